#!/usr/bin/env bash
# Install the Debian packages webmap needs, where missing. As root it runs
# apt-get; as an ordinary user it names what is missing and stops.
set -euo pipefail

PACKAGES=(postgresql-15 postgresql-contrib postgresql-15-postgis-3 chromium nodejs npm python3-venv)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for pkg in "${PACKAGES[@]}"; do
  # node and npm may come from outside Debian (nvm, the image): the commands are what count
  case "$pkg" in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
    python3-venv) python3 -c 'import venv, ensurepip' 2>/dev/null && continue ;;
  esac
  installed "$pkg" || missing+=("$pkg")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "webmap needs these Debian packages: ${missing[*]}" >&2
  echo "install them as root:  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
