// Generates json-stringify-vectors.jsonl: each line is [input, JSON.stringify(JSON.parse(input))] as Node computes it.
// Run: node json-stringify-vectors.js > json-stringify-vectors.jsonl
const nums = ["0","-0","1","100","100.0","1.50","0.1","0.000001","0.0000001","1e21","1e20","123e-20","12345678901234567890","9007199254740993","-9007199254740993","5e-324","1.7976931348623157e308","2.5","1e-7","123456789.123456789","0.30000000000000004","4.35","1e400","-1e400","3.14159e100","1152921504606846976","18446744073709551615", "999999999999999999999", "100000000000000000000", "1.2345678901234567e-300","7e-7","0.00001234"];
for (const n of nums) console.log(JSON.stringify([n, JSON.stringify(JSON.parse(n))]));
const docs = [
 '{"b":1,"a":2,"10":3,"2":4,"01":5,"4294967295":6,"4294967294":7,"-1":8}',
 '{"text":"héllo wörld ₹ 日本語 😀","slash":"a/b\\/c","ctl":"\\u0001\\b\\f\\n\\r\\t\\u001f\\u007f","q":"\\"\\\\","ls":"\\u2028\\u2029","lone":"\\ud800x\\udc00"}',
 '{"nested":{"arr":[1,2.50,{"x":null,"y":true,"z":false}],"empty":{},"ea":[]},"big":12345678901234567890,"neg":-0.0}',
 '{"a":1,"a":2,"b":3}',
 '[{"k":"v"},"s",1e2,null]'
];
for (const d of docs) console.log(JSON.stringify([d, JSON.stringify(JSON.parse(d))]));
