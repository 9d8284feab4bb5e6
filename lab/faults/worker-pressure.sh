# shellcheck shell=bash
SUMMARY="httpd.conf event block shrunk to 4 request slots (2 processes x 2 threads): a burst logs AH10159/AH00484"

inject() {
    # MinSpareThreads 2 keeps the idle server calm, so only a burst that
    # leaves fewer than 2 threads idle makes Apache log its pressure warnings.
    edit_backend_file /etc/httpd/conf/httpd.conf '/<IfModule mpm_event_module>/,/<\/IfModule>/{
        s/^\( *ServerLimit *\)16$/\12/
        s/^\( *ThreadLimit *\)64$/\12/
        s/^\( *StartServers *\)3$/\11/
        s/^\( *MinSpareThreads *\)75$/\12/
        s/^\( *MaxSpareThreads *\)250$/\14/
        s/^\( *ThreadsPerChild *\)25$/\12/
        s/^\( *MaxRequestWorkers *\)150$/\14/
    }'
    # ServerLimit and ThreadLimit change only on a full restart.
    restart_httpd
}

heal() {
    if restore_backend_file /etc/httpd/conf/httpd.conf; then
        restart_httpd
    fi
}
