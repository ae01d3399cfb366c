# workerd config for the edge-worker example. From js/:
#   WARD_SIGNING_KEY=change-me npx workerd serve examples/worker/config.capnp
# (add --socket-addr http=127.0.0.1:<port> to pick another port). Run scripts/build.sh first.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "edge", worker = .edge),
    (name = "origin", worker = .origin),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "edge")],
);

const edge :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "ward/src/worker.js", esModule = embed "../../src/worker.js"),
    (name = "ward/src/engine.js", esModule = embed "../../src/engine.js"),
    (name = "ward/src/errors.js", esModule = embed "../../src/errors.js"),
    (name = "ward/src/edge.js", esModule = embed "../../src/edge.js"),
    (name = "ward/src/signature.js", esModule = embed "../../src/signature.js"),
    (name = "ward/src/velocity.js", esModule = embed "../../src/velocity.js"),
    (name = "ward/wasm/ward_wasm.js", esModule = embed "../../wasm/ward_wasm.js"),
    (name = "ward/wasm/ward_wasm_bg.wasm", wasm = embed "../../wasm/ward_wasm_bg.wasm"),
    (name = "ward/ward.bundle", data = embed "../../ward.bundle"),
  ],
  compatibilityDate = "2025-06-01",
  bindings = [
    (name = "WARD_SIGNING_KEY", fromEnvironment = "WARD_SIGNING_KEY"),
    (name = "UPSTREAM", service = "origin"),
  ],
);

const origin :Workerd.Worker = (
  modules = [
    (name = "origin.js", esModule = embed "origin.js"),
    (name = "ward/src/signature.js", esModule = embed "../../src/signature.js"),
  ],
  compatibilityDate = "2025-06-01",
  bindings = [(name = "WARD_SIGNING_KEY", fromEnvironment = "WARD_SIGNING_KEY")],
);
