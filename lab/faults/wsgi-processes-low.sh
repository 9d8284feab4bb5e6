# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="wsgi.conf WSGIDaemonProcess processes=2 instead of 3, applied with a graceful reload"

inject() {
    edit_backend_file /etc/httpd/conf.d/wsgi.conf 's/ processes=3 / processes=2 /'
    reload_httpd
    wait_for "2 mod_wsgi daemon processes" wsgi_daemons_are 2
}

heal() {
    if restore_backend_file /etc/httpd/conf.d/wsgi.conf; then
        reload_httpd
        wait_for "3 mod_wsgi daemon processes" wsgi_daemons_are 3
    fi
}
