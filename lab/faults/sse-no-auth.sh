# shellcheck shell=bash
SUMMARY="API setting sse_require_auth=false: /api/v1/events/stream streams without a session cookie"

inject() {
    edit_backend_file /etc/mbpanel/app.conf 's/^sse_require_auth = true$/sse_require_auth = false/'
    reload_httpd
    wait_for "3 mod_wsgi daemon processes" wsgi_daemons_are 3
}

heal() {
    if restore_backend_file /etc/mbpanel/app.conf; then
        reload_httpd
        wait_for "3 mod_wsgi daemon processes" wsgi_daemons_are 3
    fi
}
