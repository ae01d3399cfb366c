-- wrk script: POSTs form-encoded charges to /v1/charges as Stripe's clients send them, with
-- e-mails, client IPs and amounts drawn from small pools so that velocity entities vary.
-- The API key comes from $WARD_API_KEY.

local key = os.getenv("WARD_API_KEY") or "sk_test_load"
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

local emails, ips = {}, {}
for i = 1, 64 do
  emails[i] = "buyer" .. i .. "%40example.com"
end
for i = 1, 32 do
  ips[i] = "203.0." .. (113 + i % 3) .. "." .. i
end
local amounts = { 500, 1200, 2000, 4999, 12500, 89900 }
local counter = 0

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
end

function request()
  counter = counter + 1
  local body = "amount=" .. amounts[math.random(#amounts)]
    .. "&currency=usd&source=tok_visa"
    .. "&receipt_email=" .. emails[math.random(#emails)]
    .. "&client[ip_address]=" .. ips[math.random(#ips)]
    .. "&metadata[n]=" .. counter
  return wrk.format(nil, nil, nil, body)
end
