// A classic (non-module) script, loaded before the demo's module. If the
// module or anything it imports cannot load (offline, blocked, a browser
// without modules), or throws before the page is ready, the page says so
// instead of "Loading…" forever; the buttons were disabled in the HTML and
// stay that way.
(function () {
  'use strict';
  var failed = false;

  function fail(reason) {
    if (failed || (document.body && document.body.dataset.ready === 'true')) return;
    failed = true;
    var show = function () {
      var status = document.getElementById('status');
      if (!status) return;
      status.dataset.kind = 'error';
      status.querySelector('[role="status"]').textContent = '';
      status.querySelector('[role="alert"]').textContent = 'The demo could not load (' + reason + '), so its '
        + 'buttons are disabled. Check your connection and reload the page.';
      document.body.dataset.loadFailed = 'true';
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show);
    else show();
  }
  window.demoLoadFailed = fail;

  // A module script whose file, or any file it imports, fails to load fires
  // "error" on its <script> element; that event does not bubble, so capture.
  document.addEventListener('error', function (event) {
    var target = event.target;
    if (target && target.tagName === 'SCRIPT') fail('a script did not load');
  }, true);
  // Exceptions thrown while the module runs, before the page is ready.
  window.addEventListener('error', function (event) {
    if (event.target === window) fail(event.message || 'a script failed');
  });
  // Browsers that do not run module scripts at all.
  if (!('noModule' in HTMLScriptElement.prototype)) fail('this browser does not run JavaScript modules');
}());
