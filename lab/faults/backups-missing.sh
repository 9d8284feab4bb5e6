# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="The *.bak.<timestamp> backups of httpd.conf, wsgi.conf and /etc/conf.d/celery moved away"

# Moved, not deleted, so heal puts back the very files the image had.
HIDDEN=/var/lib/mbpanel-lab/hidden-backups

inject() {
    backend sh -c 'set -e; mkdir -p "$1"
        for file in /etc/httpd/conf/httpd.conf.bak.* /etc/httpd/conf.d/wsgi.conf.bak.* \
            /etc/conf.d/celery.bak.*; do
            [ -e "$file" ] || continue
            mkdir -p "$1$(dirname "$file")"
            mv "$file" "$1$file"
        done' sh "$HIDDEN"
}

heal() {
    backend sh -c '[ -d "$1" ] || exit 0
        cd "$1" && find . -type f | while read -r file; do
            mv "$file" "/${file#./}"
        done
        rm -rf "$1"' sh "$HIDDEN"
}
