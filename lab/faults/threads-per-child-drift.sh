# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="httpd.conf ThreadsPerChild 20 in the mpm_event_module block (effective MaxRequestWorkers 140)"

inject() {
    edit_backend_file /etc/httpd/conf/httpd.conf \
        '/<IfModule mpm_event_module>/,/<\/IfModule>/s/^\( *ThreadsPerChild *\)25$/\120/'
    # A full restart, so no child still running 25 threads outlives the change.
    restart_httpd
}

heal() {
    if restore_backend_file /etc/httpd/conf/httpd.conf; then
        restart_httpd
    fi
}
