#!/usr/bin/env bash
# deploy.sh HOST DOMAIN EMAIL
#
# Builds stovebot for HOST's architecture, copies the binary and the systemd
# unit there over ssh, installs them (a `stovebot` system user, data in
# /var/lib/stovebot, secrets in /etc/stovebot/stovebot.env) and starts the
# service with HTTPS for DOMAIN, EMAIL being the ACME account's contact.
# Running it again upgrades the binary and restarts the service; the data,
# the certificates and the environment file are kept.
#
# HOST is anything ssh accepts (user@203.0.113.7, an alias of ~/.ssh/config).
# The remote user must be root or may use sudo.
#
# Environment:
#   DRY_RUN=1       print the commands instead of running them
#   DEPLOY_UNAME_M  the target's `uname -m` answer (x86_64, aarch64, …);
#                   skips asking the host, which a dry run would otherwise do
set -euo pipefail

usage() {
	echo "usage: $0 HOST DOMAIN EMAIL   (DRY_RUN=1 to print the commands)" >&2
	exit 2
}
die() {
	echo "deploy: $*" >&2
	exit 1
}

[[ $# -eq 3 ]] || usage
host=$1 domain=$2 email=$3
[[ $host =~ ^[A-Za-z0-9._@:-]+$ ]] || die "HOST $host: expected user@host or an ssh alias"
[[ $domain =~ ^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$ ]] ||
	die "DOMAIN $domain: expected a host name such as chat.example.com"
[[ $email =~ ^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$ ]] || die "EMAIL $email: expected an address such as you@example.com"

dry_run=${DRY_RUN:-0}
[[ $dry_run == 0 || $dry_run == 1 ]] || die "DRY_RUN must be 0 or 1"
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export GOTOOLCHAIN=go1.27.3 # PocketBase v0.40 needs Go 1.27

# run prints a command as `+ cmd` in a dry run, and runs it otherwise.
run() {
	if [[ $dry_run == 1 ]]; then
		local arg line=+
		for arg in "$@"; do
			if [[ $arg =~ ^[A-Za-z0-9_./:@=,+-]+$ ]]; then line+=" $arg"; else line+=" ${arg@Q}"; fi
		done
		echo "$line"
	else
		"$@"
	fi
}

# 1. The target's architecture.
if [[ -n ${DEPLOY_UNAME_M:-} ]]; then
	machine=$DEPLOY_UNAME_M
	[[ $dry_run == 1 ]] && echo "+ ssh $host uname -m   # answered by DEPLOY_UNAME_M: $machine"
else
	[[ $dry_run == 1 ]] && echo "+ ssh $host uname -m"
	machine=$(ssh "$host" uname -m) || die "ssh $host uname -m failed"
fi
goarm=
case $machine in
x86_64 | amd64) goarch=amd64 ;;
aarch64 | arm64) goarch=arm64 ;;
armv7l) goarch=arm goarm=7 ;;
armv6l) goarch=arm goarm=6 ;;
riscv64) goarch=riscv64 ;;
*) die "unsupported architecture $machine (uname -m on $host)" ;;
esac

# 2. Build: static, no cgo (SQLite is pure Go), version from git.
version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
build_dir=${TMPDIR:-/tmp}/stovebot-deploy-build
binary=$build_dir/stovebot-linux-$goarch
run mkdir -p "$build_dir"
run env GOOS=linux GOARCH=$goarch ${goarm:+GOARM=$goarm} CGO_ENABLED=0 \
	go build -trimpath -ldflags "-s -w -X main.Version=$version" -o "$binary" .

# 3. A fresh directory on the host for the upload.
if [[ $dry_run == 1 ]]; then
	upload=/tmp/stovebot-deploy.XXXXXX
	echo "+ ssh $host mktemp -d /tmp/stovebot-deploy.XXXXXX   # prints the upload directory"
else
	upload=$(ssh "$host" mktemp -d /tmp/stovebot-deploy.XXXXXX) || die "ssh $host mktemp failed"
fi

# 4. The install script that the host runs as root.
remote_script() {
	cat <<EOF
set -euo pipefail
id -u stovebot >/dev/null 2>&1 ||
	useradd --system --user-group --home-dir /var/lib/stovebot --shell /usr/sbin/nologin stovebot
install -d -o stovebot -g stovebot -m 0700 /var/lib/stovebot
install -d -m 0755 /etc/stovebot
if [ ! -e /etc/stovebot/stovebot.env ]; then
	install -m 0600 /dev/null /etc/stovebot/stovebot.env
	printf '%s\n' '# stovebot secrets and settings, read by systemd as root (see README).' \\
		'#OPENAI_API_KEY=sk-...' '#OPENAI_MODEL=gpt-4o-mini' '#STOVEBOT_DAILY_LIMIT=5' \\
		>/etc/stovebot/stovebot.env
fi
install -m 0755 $upload/stovebot-linux-$goarch /usr/local/bin/stovebot.new
mv -f /usr/local/bin/stovebot.new /usr/local/bin/stovebot
install -m 0644 $upload/stovebot.service /etc/systemd/system/stovebot.service
install -d -m 0755 /etc/systemd/system/stovebot.service.d
printf '%s\n' '[Service]' 'Environment=STOVEBOT_DOMAINS=$domain' 'Environment=STOVEBOT_ACME_EMAIL=$email' \\
	>/etc/systemd/system/stovebot.service.d/domain.conf
rm -rf $upload
systemctl daemon-reload
if systemctl is-active --quiet stovebot; then systemctl restart stovebot; fi
systemctl enable --now stovebot
systemctl is-active stovebot
EOF
}
script=$build_dir/install.sh
if [[ $dry_run == 1 ]]; then
	echo "+ cat >$script <<'SCRIPT'"
	remote_script
	echo "SCRIPT"
else
	remote_script >"$script"
fi

# 5. Copy the binary, the unit and the script, and run the script as root:
# through sudo only when the remote user is not root (a fresh VPS may have no
# sudo); -t lets sudo ask for a password.
run scp -q "$binary" deploy/stovebot.service "$script" "$host:$upload/"
run ssh -t "$host" "if [ \"\$(id -u)\" = 0 ]; then bash $upload/install.sh; else sudo bash $upload/install.sh; fi"
if [[ $dry_run == 0 ]]; then
	echo "stovebot runs on $host: https://$domain/ (the first superuser's link is in journalctl -u stovebot)"
fi
