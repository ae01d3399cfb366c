"""Times a value-list import into a running `ward serve`: items posted one at a time to
/v1/radar/value_list_items, then two charges (the first pays for the bundle rebuild).

    python3 tests/load/import.py http://127.0.0.1:8181 sk_test_... 50000

Standard library only; a new connection per request, as a naive importer would do.
"""

import base64
import sys
import time
import urllib.error
import urllib.request


def post(base, auth, path, data):
    request = urllib.request.Request(base + path, data=data.encode(), headers={"Authorization": auth})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    base, key, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    step = max(count // 5, 1)
    started = last = time.time()
    for i in range(count):
        status = post(base, auth, "/v1/radar/value_list_items", f"value_list=rsl_default_block_email&value=user{i}@example.com")
        if status != 200:
            sys.exit(f"item {i}: HTTP {status}")
        if (i + 1) % step == 0:
            now = time.time()
            print(f"{i + 1:>7} items  {(now - last) * 1000 / step:6.2f} ms per item over the last {step}")
            last = now
    print(f"import: {time.time() - started:.1f} s")
    for which, email in (("first", "user7@example.com"), ("second", "user8@example.com")):
        t = time.time()
        status = post(base, auth, "/v1/charges", f"amount=100&currency=usd&source=tok_visa&receipt_email={email}")
        print(f"{which} charge after the import: HTTP {status} in {(time.time() - t) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
