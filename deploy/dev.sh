#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Development entry point on Debian 12 (bookworm):
#
#   ./deploy/dev.sh run [server options]   install, build, then run the server
#   ./deploy/dev.sh test                   install, build with -Werror, check format, run ctest
#
# Both may be run again at any time: installed packages are skipped and the build is
# incremental. The build goes to build/ (CHAT_BUILD_DIR overrides it).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${CHAT_BUILD_DIR:-$ROOT/build}"
BUILD_TYPE="${CHAT_BUILD_TYPE:-RelWithDebInfo}"

# Debian 12 packages: the toolchain, the Qt 6.4 modules, the test services and tools, and the
# libraries linked directly (libsodium, SQLite).
PACKAGES=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-websockets-dev qt6-httpserver-dev qt6-declarative-dev
    qt6-declarative-dev-tools qt6-tools-dev qt6-l10n-tools libqt6sql6-sqlite libqt6sql6-mysql
    qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
    qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-templates
    qml6-module-qtquick-layouts qml6-module-qtquick-window qml6-module-qtwebsockets
    qml6-module-qttest
    libhiredis-dev mariadb-server redis-server
    xvfb xauth libgl1-mesa-dri fonts-dejavu-core
    valgrind heaptrack linux-perf
    libsodium-dev libsqlite3-dev
)
# What `test` needs on top: the format check reads the tracked files from git.
TEST_PACKAGES=(clang-format git)

# Test services on loopback (toolchain.md §4 and §5); the ports can be moved if taken.
MYSQL_PORT="${CHAT_TEST_MYSQL_PORT:-3307}"
REDIS_PORT="${CHAT_TEST_REDIS_PORT:-6390}"

if [[ -t 2 ]]; then
    BOLD=$'\033[1m' RED=$'\033[1;31m' PLAIN=$'\033[0m'
else
    BOLD="" RED="" PLAIN=""
fi
log() { printf '%s[dev.sh]%s %s\n' "$BOLD" "$PLAIN" "$*" >&2; }
die() {
    printf '%s[dev.sh] error:%s %s\n' "$RED" "$PLAIN" "$*" >&2
    exit 1
}

usage() {
    cat >&2 <<EOF
Usage: $0 run [server options]   install packages, build, start build/server/chat-server
       $0 app [app options]      install packages, build, start the desktop app build/client/chat-client
       $0 test                   install packages, build with -Werror, check format, run ctest
EOF
    exit 2
}

# --- packages -------------------------------------------------------------------------------

SUDO=()
if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null || die "not root and sudo is not installed: run as root"
    SUDO=(sudo)
fi

# mariadbd and friends live in /usr/sbin, which a non-root PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

APT_UPDATED=0
install_packages() {
    local wanted=("$@") missing=() pkg
    if ! command -v node >/dev/null; then
        wanted+=(nodejs npm)
    fi
    for pkg in "${wanted[@]}"; do
        if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
            missing+=("$pkg")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "apt: all ${#wanted[@]} packages are installed"
        return
    fi
    log "apt: installing what is missing: ${missing[*]}"
    if [[ $APT_UPDATED -eq 0 ]]; then
        "${SUDO[@]}" apt-get update
        APT_UPDATED=1
    fi
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
}

# --- build ----------------------------------------------------------------------------------

# configure_and_build TARGET [cmake options]; TARGET "all" builds everything.
configure_and_build() {
    local target="$1" cache="$BUILD_DIR/CMakeCache.txt"
    shift
    if [[ -f "$cache" ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$cache"; then
        die "$BUILD_DIR was configured with another generator than Ninja; remove it or set CHAT_BUILD_DIR"
    fi
    log "configure: $BUILD_DIR ($BUILD_TYPE${*:+, $*})"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "$@"
    log "build: $target, $(nproc) jobs"
    cmake --build "$BUILD_DIR" --parallel "$(nproc)" --target "$target"
}

# --- test services --------------------------------------------------------------------------

SERVICES_DIR=""
MARIADB_SOCKET=""

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_until() {
    local what="$1" tries=200
    shift
    until "$@" >/dev/null 2>&1; do
        tries=$((tries - 1))
        [[ $tries -gt 0 ]] || die "$what did not come up within 20 s"
        sleep 0.1
    done
}

# shellcheck disable=SC2317 # run by the EXIT trap
stop_services() {
    local status=$?
    if [[ -n "$SERVICES_DIR" ]]; then
        if [[ -f "$SERVICES_DIR/redis.pid" ]]; then
            log "stopping redis-server"
            redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 \
                || kill "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null || true
        fi
        if [[ -f "$SERVICES_DIR/mariadb/mariadbd.pid" ]]; then
            log "stopping mariadbd"
            mariadb-admin --no-defaults --socket="$MARIADB_SOCKET" -u"$MARIADB_ADMIN" shutdown \
                >/dev/null 2>&1 || kill "$(cat "$SERVICES_DIR/mariadb/mariadbd.pid")" 2>/dev/null || true
        fi
        rm -rf "$SERVICES_DIR"
    fi
    exit "$status"
}

start_services() {
    port_in_use "$MYSQL_PORT" && die "port $MYSQL_PORT is taken (set CHAT_TEST_MYSQL_PORT to another)"
    port_in_use "$REDIS_PORT" && die "port $REDIS_PORT is taken (set CHAT_TEST_REDIS_PORT to another)"
    SERVICES_DIR="$(mktemp -d "${TMPDIR:-/tmp}/chat-test-services.XXXXXX")"
    trap stop_services EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    local user
    user="$(id -un)"
    # With socket authentication the OS user logs in as the MariaDB user of the same name.
    MARIADB_ADMIN="$user"
    local m="$SERVICES_DIR/mariadb"
    MARIADB_SOCKET="$m/mysqld.sock"
    mkdir -p "$m/data"
    log "mariadb: initialising a data directory in $m"
    mariadb-install-db --no-defaults --user="$user" --datadir="$m/data" \
        --auth-root-authentication-method=socket --skip-test-db >"$m/install-db.log" 2>&1 \
        || die "mariadb-install-db failed, see $m/install-db.log"
    log "mariadb: starting on 127.0.0.1:$MYSQL_PORT"
    mariadbd --no-defaults --user="$user" --datadir="$m/data" --socket="$MARIADB_SOCKET" \
        --port="$MYSQL_PORT" --bind-address=127.0.0.1 --pid-file="$m/mariadbd.pid" \
        --log-error="$m/error.log" --skip-log-bin >"$m/stdout.log" 2>&1 &
    wait_until "mariadbd (log: $m/error.log)" \
        mariadb-admin --no-defaults --socket="$MARIADB_SOCKET" -u"$MARIADB_ADMIN" ping
    # Tests may create their own chat_test* databases next to chat_test.
    mariadb --no-defaults --socket="$MARIADB_SOCKET" -u"$MARIADB_ADMIN" -e "
        CREATE DATABASE IF NOT EXISTS chat_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
        CREATE USER IF NOT EXISTS 'chat'@'localhost' IDENTIFIED BY 'chatpw';
        CREATE USER IF NOT EXISTS 'chat'@'127.0.0.1' IDENTIFIED BY 'chatpw';
        GRANT ALL PRIVILEGES ON \`chat_test%\`.* TO 'chat'@'localhost';
        GRANT ALL PRIVILEGES ON \`chat_test%\`.* TO 'chat'@'127.0.0.1';"

    log "redis: starting on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' \
        --appendonly no --dir "$SERVICES_DIR" --logfile "$SERVICES_DIR/redis.log" \
        --pidfile "$SERVICES_DIR/redis.pid" >/dev/null
    wait_until "redis-server (log: $SERVICES_DIR/redis.log)" \
        sh -c "redis-cli -h 127.0.0.1 -p '$REDIS_PORT' ping | grep -qx PONG"

    export CHAT_TEST_MYSQL_HOST=127.0.0.1
    export CHAT_TEST_MYSQL_PORT="$MYSQL_PORT"
    export CHAT_TEST_MYSQL_USER=chat
    export CHAT_TEST_MYSQL_PASSWORD=chatpw
    export CHAT_TEST_MYSQL_DB=chat_test
    export CHAT_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
}

# --- checks ---------------------------------------------------------------------------------

check_format() {
    local files=() unformatted=() file
    if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        mapfile -t files < <(git -C "$ROOT" ls-files -- '*.cpp' '*.h')
    else
        die "the format check needs a git checkout (it checks the tracked *.cpp and *.h)"
    fi
    log "format: checking ${#files[@]} tracked C++ files with $(clang-format --version | head -n1)"
    for file in "${files[@]}"; do
        [[ -f "$ROOT/$file" ]] || continue # deleted in the work tree, not yet committed
        if ! clang-format --dry-run --Werror "$ROOT/$file" >/dev/null 2>&1; then
            unformatted+=("$file")
        fi
    done
    if [[ ${#unformatted[@]} -gt 0 ]]; then
        printf '  %s\n' "${unformatted[@]}" >&2
        die "${#unformatted[@]} file(s) above are not clang-formatted: run clang-format -i on them"
    fi
}

# --- commands -------------------------------------------------------------------------------

cmd_run() {
    install_packages "${PACKAGES[@]}"
    configure_and_build chat-server
    log "starting $BUILD_DIR/server/chat-server $*"
    exec "$BUILD_DIR/server/chat-server" "$@"
}

cmd_app() {
    install_packages "${PACKAGES[@]}"
    configure_and_build chat-client
    log "starting $BUILD_DIR/client/chat-client $*"
    exec "$BUILD_DIR/client/chat-client" "$@"
}

cmd_test() {
    install_packages "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    log "npm ci in tests/node"
    (cd "$ROOT/tests/node" && npm ci --no-audit --no-fund)
    # The bench's smoke test against the Node.js reference is registered when this is present.
    log "npm ci in bench/reference"
    (cd "$ROOT/bench/reference" && npm ci --no-audit --no-fund)
    configure_and_build all -DCHAT_WERROR=ON
    check_format
    start_services
    # The QML tests need a platform plugin; there is no display here.
    export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
    log "ctest"
    ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 300 -j1 \
        || die "ctest: the tests listed above failed"
    log "all tests passed"
}

main() {
    [[ $# -ge 1 ]] || usage
    local command="$1"
    shift
    case "$command" in
    run) cmd_run "$@" ;;
    app) cmd_app "$@" ;;
    test)
        [[ $# -eq 0 ]] || usage
        cmd_test
        ;;
    *) usage ;;
    esac
}

# On one line, so that bash has read all it will run before it starts: the script can be
# edited while a long `test` is running.
main "$@"; exit
