// Calls onLine with each complete line a child process writes to stdout (the
// Python oracle answers one JSON line per request batch).
function onStdoutLines(child, onLine) {
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      onLine(line);
    }
  });
}

module.exports = { onStdoutLines };
