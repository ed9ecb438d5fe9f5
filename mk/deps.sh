#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the build needs on a Debian 12 host, and fetch the arm64
# packages and the kexec-tools source through a private apt configuration
# under build/apt, so the system's own apt setup is never changed.
#
# Usage: mk/deps.sh host            install missing host packages (as root)
#        mk/deps.sh debs DIR PKG... download PKG:arm64 (DEB_ARCH) .debs
#                                   into DIR
#        mk/deps.sh source DIR PKG  fetch and unpack Debian source PKG in DIR
#        mk/deps.sh upstream DIR PKG VERSION
#                                   the upstream tarball of source PKG
#                                   (which must be VERSION) unpacked as
#                                   DIR/src, without Debian's changes;
#                                   DIR/provenance says what was checked
#        mk/deps.sh kernel DIR META the kernel image package META (e.g.
#                                   linux-image-arm64) depends on: its
#                                   /boot/vmlinuz-* as DIR/vmlinuz, the
#                                   package name and version in DIR/version
#
# SUITE=trixie (or another suite of the host's Debian mirror) makes debs and
# source take packages from that suite only, through a configuration of its
# own under build/apt-SUITE, so bookworm's packages never mix with it.
# DEB_ARCH=amd64 takes binary packages of that architecture instead of
# arm64, through build/apt[-SUITE]-amd64.
set -euo pipefail

BUILD=${BUILD:-build}
SUITE=${SUITE:-}
DEB_ARCH=${DEB_ARCH:-arm64}
ARCH_DIR=
[ "$DEB_ARCH" = arm64 ] || ARCH_DIR=-$DEB_ARCH
APTDIR=$(realpath -m "$BUILD/apt${SUITE:+-$SUITE}$ARCH_DIR")

HOST_PKGS=(
	make gcc libc6-dev python3 bc bison flex libssl-dev libelf-dev
	cpio xz-utils patch dpkg-dev
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-arm qemu-efi-aarch64 qemu-system-x86 ovmf linux-source-6.12
	clang libclang-rt-14-dev qemu-user openssl sbsigntool
	device-tree-compiler gawk
)

log() { printf 'deps: %s\n' "$*" >&2; }

host() {
	local missing=() p
	for p in "${HOST_PKGS[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		log "missing packages: ${missing[*]}"
		log "run 'make deps' as root, or install them with apt-get"
		exit 1
	fi
	log "installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
}

# The private configuration reuses the mirrors the host already uses
# (apt-get indextargets), adds deb-src and the arm64 architecture, and keeps
# its lists and caches under build/apt.
private_apt() {
	[ -f "$APTDIR/.updated" ] && return 0
	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" \
		"$APTDIR/parts" "$APTDIR/prefs"
	local key=/usr/share/keyrings/debian-archive-keyring.gpg
	apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' |
		sort -u | while read -r uri rel comp; do
			# Another suite: only the host's main archive, renamed.
			if [ -n "$SUITE" ]; then
				case $rel in *-*) continue ;; esac
				rel=$SUITE
			fi
			echo "deb [arch=$DEB_ARCH signed-by=$key] $uri $rel $comp"
			echo "deb-src [signed-by=$key] $uri $rel $comp"
		done | sort -u >"$APTDIR/sources.list"
	if ! [ -s "$APTDIR/sources.list" ]; then
		log "no Debian mirror found in the host's apt configuration"
		exit 1
	fi
	cat >"$APTDIR/apt.conf" <<EOC
Dir::Etc::SourceList "$APTDIR/sources.list";
Dir::Etc::SourceParts "$APTDIR/parts";
Dir::Etc::Preferences "$APTDIR/prefs/none";
Dir::Etc::PreferencesParts "$APTDIR/prefs";
Dir::State::Lists "$APTDIR/lists";
Dir::Cache "$APTDIR/cache";
APT::Architecture "$DEB_ARCH";
APT::Architectures { "$DEB_ARCH"; };
APT::Sandbox::User "root";
EOC
	log "updating private apt lists in $APTDIR"
	APT_CONFIG="$APTDIR/apt.conf" apt-get update -qq
	touch "$APTDIR/.updated"
}

debs() {
	local dir=$1
	shift
	private_apt
	mkdir -p "$dir"
	(cd "$dir" && APT_CONFIG="$APTDIR/apt.conf" apt-get download -qq "$@")
}

# apt-get source checks the .dsc and tarballs against the signed Sources
# index before dpkg-source unpacks them.
source() {
	local dir=$1 pkg=$2
	private_apt
	mkdir -p "$dir"
	(cd "$dir" && APT_CONFIG="$APTDIR/apt.conf" \
		apt-get source -qq --download-only "$pkg" &&
		dpkg-source --no-check -x ./*.dsc src >/dev/null)
}

# apt-get gives the URIs of the .dsc and the upstream tarball with the
# SHA256 sums of the signed Sources index; apt-helper checks each file
# against its sum, and the tarball's sum must be the one the .dsc lists.
# Debian's own changes (the debian.tar.xz) are neither fetched nor needed.
upstream() {
	local dir=$1 pkg=$2 version=$3 uri file size sum dsc= orig=
	local suite=${SUITE:-bookworm}
	private_apt
	mkdir -p "$dir"
	APT_CONFIG="$APTDIR/apt.conf" apt-get source --print-uris -qq "$pkg" \
		>"$dir/uris"
	while read -r uri file size sum; do
		case "$file" in
		*.dsc) dsc=$file ;;
		*.orig.tar.*) orig=$file ;;
		*) continue ;;
		esac
		uri=${uri#\'}
		uri=${uri%\'}
		APT_CONFIG="$APTDIR/apt.conf" /usr/lib/apt/apt-helper -qq \
			download-file "$uri" "$dir/$file" "$sum" >/dev/null
		echo "$file $size ${sum,,}: the signed Sources index of $suite" \
			>>"$dir/provenance"
	done <"$dir/uris"
	case "$orig" in
	"${pkg}_$version.orig.tar."*) ;;
	*)
		log "$pkg: the index has '${orig:-no upstream tarball}', not $version"
		exit 1
		;;
	esac
	sum=$(sha256sum <"$dir/$orig" | cut -d' ' -f1)
	if ! grep -q "^ $sum [0-9]* $orig\$" "$dir/$dsc"; then
		log "$orig: sha256 $sum is not the one $dsc lists"
		exit 1
	fi
	echo "$orig sha256:$sum listed in $dsc" >>"$dir/provenance"
	mkdir "$dir/src"
	tar -C "$dir/src" --strip-components=1 -xf "$dir/$orig"
	log "$pkg $version: $(tail -n 1 "$dir/provenance")"
}

# apt-get download checks the .deb against the signed Packages index.
kernel() {
	local dir=$1 meta=$2 pkg
	private_apt
	pkg=$(APT_CONFIG="$APTDIR/apt.conf" apt-cache depends "$meta" |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
	if [ -z "$pkg" ]; then
		log "$meta depends on no linux-image package"
		exit 1
	fi
	mkdir -p "$dir/deb"
	(cd "$dir/deb" && APT_CONFIG="$APTDIR/apt.conf" \
		apt-get download -qq "$pkg")
	dpkg-deb --fsys-tarfile "$dir"/deb/*.deb |
		tar -x -C "$dir/deb" --wildcards './boot/vmlinuz-*'
	mv "$dir"/deb/boot/vmlinuz-* "$dir/vmlinuz"
	echo "$(dpkg-deb --show --showformat '${Package} ${Version}' \
		"$dir"/deb/*.deb) sha256:$(sha256sum <"$dir"/deb/*.deb |
		cut -d' ' -f1)" >"$dir/version"
	rm -rf "$dir/deb"
	log "$(cat "$dir/version")"
}

cmd=${1:-host}
shift || true
case "$cmd" in
host) host ;;
debs) debs "$@" ;;
source) source "$@" ;;
upstream) upstream "$@" ;;
kernel) kernel "$@" ;;
*) log "unknown command $cmd"; exit 2 ;;
esac
