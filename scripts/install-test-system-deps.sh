#!/usr/bin/env bash
# System packages the test suite needs beyond Python: Chromium and its driver for the page
# tests, Node.js and npm for the YASGUI assets and the LDES client, Virtuoso open source as a
# tested store, nginx as the deployment test's balancer and cache. Installs only what is
# missing (Debian); no service is left running (the tests start their own on loopback ports).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing system packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the packages' own services on install: the tests want the ports free.
for service in nginx virtuoso-opensource-7; do
  $SUDO service "$service" stop >/dev/null 2>&1 || true
done
