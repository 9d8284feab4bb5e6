# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="httpd.conf broken on disk (misspelled directive), not reloaded: httpd -t fails, health stays green"

inject() {
    # A typo of KeepAliveTimeout, as a hand edit leaves it; httpd keeps
    # serving from the configuration it loaded before the edit.
    edit_backend_file /etc/httpd/conf/httpd.conf '$a KeepAliveTimout 5'
}

heal() {
    restore_backend_file /etc/httpd/conf/httpd.conf || true
}
