#!/usr/bin/env bash
# Installs what CardGate needs from Debian and starts pcscd with four virtual readers.
# Idempotent: safe to run before every `make test` / `make demo`. Needs root (or sudo).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

packages=(libpcsclite-dev libsqlite3-dev pcscd pcsc-tools vsmartcard-vpcd opensc yubico-piv-tool curl)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup-pcscd: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

driver_dir=/usr/lib/pcsc/drivers/serial
driver="$(ls "$driver_dir"/libifdvpcd.so.* 2>/dev/null | head -n1 || true)"
if [ -z "$driver" ]; then driver="$driver_dir/libifdvpcd.so"; fi
changed=0
if ! cmp -s "$driver" "$driver_dir/libifdvpcd-cardgate.so"; then
    $sudo cp "$driver" "$driver_dir/libifdvpcd-cardgate.so"
    changed=1
fi
if ! cmp -s "$here/Hardware/pcscd/vpcd-cardgate.conf" /etc/reader.conf.d/vpcd-cardgate; then
    $sudo cp "$here/Hardware/pcscd/vpcd-cardgate.conf" /etc/reader.conf.d/vpcd-cardgate
    changed=1
fi

if pgrep -x pcscd >/dev/null && [ "$changed" -eq 1 ]; then
    echo "setup-pcscd: reader configuration changed, restarting pcscd"
    $sudo pkill -x pcscd || true
    for _ in $(seq 50); do pgrep -x pcscd >/dev/null || break; sleep 0.1; done
fi
if ! pgrep -x pcscd >/dev/null; then
    # systemd socket activation is absent in containers and CI: run the daemon directly.
    $sudo pcscd
fi
for _ in $(seq 100); do
    # Look for the listening socket rather than connecting, which would insert a phantom card.
    if grep -qE ':8C7E 00000000:0000 0A' /proc/net/tcp 2>/dev/null; then
        echo "setup-pcscd: pcscd is running with virtual readers on ports 35963-35966"
        exit 0
    fi
    sleep 0.1
done
echo "setup-pcscd: pcscd did not open the vpcd ports 35963-35966" >&2
exit 1
