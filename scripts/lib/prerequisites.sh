# Shared by the scripts: installs what they need on a fresh machine and runs a private Azurite.
# Source it; it defines functions only.

SELFTRAIN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AZURITE_VERSION=3.37.0
AZURITE_DIR="$SELFTRAIN_ROOT/.tools/azurite"
FASHION_MNIST_DIR=/usr/share/datasets/fashion-mnist

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi; }

require_commands() {
  local missing=()
  for command in "$@"; do command -v "$command" >/dev/null || missing+=("$command"); done
  [ ${#missing[@]} -eq 0 ] || die "missing prerequisites: ${missing[*]} (see README.md)"
}

# The Fashion-MNIST data set, from Debian's dataset-fashion-mnist package.
ensure_fashion_mnist() {
  [ -f "$FASHION_MNIST_DIR/train-images-idx3-ubyte.gz" ] && return
  log "installing Fashion-MNIST (Debian package dataset-fashion-mnist)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq dataset-fashion-mnist >/dev/null
  [ -f "$FASHION_MNIST_DIR/train-images-idx3-ubyte.gz" ] || die "dataset-fashion-mnist did not install $FASHION_MNIST_DIR"
}

# Azurite from npm into the project's git-ignored .tools folder.
ensure_azurite() {
  require_commands node npm
  if [ -x "$AZURITE_DIR/node_modules/.bin/azurite" ] &&
     grep -q "\"version\": \"$AZURITE_VERSION\"" "$AZURITE_DIR/node_modules/azurite/package.json" 2>/dev/null; then
    return
  fi
  log "installing Azurite $AZURITE_VERSION into .tools/azurite"
  mkdir -p "$AZURITE_DIR"
  (cd "$AZURITE_DIR" && npm install --silent --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >/dev/null)
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

wait_for_port() { # port seconds
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# Starts Azurite on loopback and sets AZURITE_PID, AZURITE_LOG and AZURITE_CONNECTION_STRING; stop_azurite (e.g. from
# an EXIT trap) stops it. By default on free ports with its data in memory only (nothing outlives it, and it is
# several times faster than its disk store on two cores). With AZURITE_LOCATION set, its data is kept in that folder
# (it survives restarts); with AZURITE_BLOB_PORT set, it listens on that port and the next two (queue, table).
start_azurite() {
  local blob queue table persistence port
  if [ -n "${AZURITE_BLOB_PORT:-}" ]; then
    blob=$AZURITE_BLOB_PORT; queue=$((blob + 1)); table=$((blob + 2))
    for port in "$blob" "$queue" "$table"; do
      ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "port $port is in use (another Azurite?); choose other ports"
    done
  else
    blob=$(free_port); queue=$(free_port); table=$(free_port)
    while [ "$queue" = "$blob" ]; do queue=$(free_port); done
    while [ "$table" = "$blob" ] || [ "$table" = "$queue" ]; do table=$(free_port); done
  fi
  if [ -n "${AZURITE_LOCATION:-}" ]; then
    mkdir -p "$AZURITE_LOCATION"
    persistence=(--location "$AZURITE_LOCATION")
  else
    persistence=(--inMemoryPersistence)
  fi
  AZURITE_LOG=$(mktemp -t selftrain-azurite.XXXXXX.log)
  "$AZURITE_DIR/node_modules/.bin/azurite" --silent --skipApiVersionCheck --loose --disableTelemetry \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" "${persistence[@]}" >"$AZURITE_LOG" 2>&1 &
  AZURITE_PID=$!
  for port in "$blob" "$queue" "$table"; do
    wait_for_port "$port" 30 || { cat "$AZURITE_LOG" >&2; die "Azurite did not start on port $port"; }
  done
  local account=devstoreaccount1 key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
  AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/$account;QueueEndpoint=http://127.0.0.1:$queue/$account;TableEndpoint=http://127.0.0.1:$table/$account;"
  log "Azurite (pid $AZURITE_PID) on 127.0.0.1 ports $blob/$queue/$table"
}

stop_azurite() {
  if [ -n "${AZURITE_PID:-}" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
  [ -n "${AZURITE_LOG:-}" ] && rm -f "$AZURITE_LOG"
  AZURITE_PID=
}

# Builds the given projects one after the other (2 cores), appending to the log; on failure shows its end and stops.
# Sets HOST_DLL and TRAINER to the local host's and the trainer's build outputs.
build_projects() { # configuration log-file project...
  local configuration=$1 build_log=$2
  shift 2
  log "building ($configuration; log: $build_log)"
  for project in "$@"; do
    dotnet build "$project" -c "$configuration" -m:1 -nologo >>"$build_log" 2>&1 ||
      { tail -30 "$build_log" >&2; die "building $project failed"; }
  done
  build_outputs "$configuration"
}

build_outputs() { # configuration
  HOST_DLL=src/SelfTrain.Host/bin/$1/net10.0/SelfTrain.Host.dll
  TRAINER=src/SelfTrain.Trainer/bin/$1/net10.0/linux-x64/SelfTrain.Trainer
}

# Starts the local host on 127.0.0.1:port in the background, appending to the log, and waits until it listens; sets
# HOST_PID. Settings for it go in the environment (a prefix on the call).
start_local_host() { # port log-file
  log "starting the local host on http://127.0.0.1:$1 (log: $2)"
  dotnet "$HOST_DLL" --urls "http://127.0.0.1:$1" >>"$2" 2>&1 &
  HOST_PID=$!
  wait_for_port "$1" 120 || { tail -20 "$2" >&2; die "the host did not start"; }
}

# Stops a process: TERM, then KILL after a grace period (5 s unless given).
stop_process() { # pid [seconds]
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
  kill "$1" 2>/dev/null || true
  for _ in $(seq $((${2:-5} * 10))); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

# Runs a trainer worker in the background, restarted if it dies as the Container Apps job is (a job it held is
# delivered again); sets WORKER_PID. Storage comes from AzureWebJobsStorage in the environment.
start_trainer_worker() { # trainer-executable log-file
  log "starting a trainer worker (log: $2)"
  (
    child=
    # On TERM the trainer gets 5 s to stop, then is killed: a job it held is delivered again to the next worker.
    trap '[ -z "$child" ] || stop_process "$child"; exit 0' TERM
    while :; do
      "$1" work --device cpu & child=$!
      wait "$child" && break
      echo "trainer worker exited with $?; restarting" >&2
      sleep 1
    done
  ) >"$2" 2>&1 &
  WORKER_PID=$!
}

# Stops the worker started above and its trainer (which its trap stops within 5 s, busy or not).
stop_trainer_worker() {
  [ -n "${WORKER_PID:-}" ] || return 0
  stop_process "$WORKER_PID" 10
  WORKER_PID=
}

# A sans-serif font for the report's plots (Debian package fonts-dejavu-core).
ensure_fonts() {
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && return
  log "installing fonts for the report's plots (Debian package fonts-dejavu-core)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq fonts-dejavu-core >/dev/null
}

# Headless Chromium for the dashboard's browser test (Debian package chromium), driven by Playwright through its path.
ensure_chromium() {
  command -v chromium >/dev/null && return
  log "installing Chromium for the browser test (Debian package chromium)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
}
