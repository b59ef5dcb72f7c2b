// A webhook receiver as merchants write them in JavaScript: it parses the body, re-stringifies it
// and checks X-Webhook-Signature over those bytes. 200 "verified" proves that the bytes we sent
// are exactly JSON.stringify(JSON.parse(body)); anything else gets 400 "signature mismatch".
// Usage: node receiver.js <secret>   (prints {"port":N} once listening on 127.0.0.1)
const http = require('http');
const crypto = require('crypto');

const secret = process.argv[2];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let verified = false;
    try {
      const restrung = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      const expected = crypto.createHmac('sha256', secret).update(restrung, 'utf8').digest('hex');
      const given = String(req.headers['x-webhook-signature'] || '');
      verified = given.length === expected.length &&
        crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    } catch (e) {
      verified = false;
    }
    res.writeHead(verified ? 200 : 400, { 'Content-Type': 'text/plain' });
    res.end(verified ? 'verified' : 'signature mismatch');
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
