"""Real-world httpd layouts used by the Apache tests, as path -> text."""

RHEL_HTTPD_CONF = """\
#
# This is the main Apache HTTP server configuration file.  It contains the
# configuration directives that give the server its instructions.
#
ServerRoot "/etc/httpd"

#
# Listen: Allows you to bind Apache to specific IP addresses and/or
# ports, instead of the default.
#
Listen 80

#
# Dynamic Shared Object (DSO) Support
#
Include conf.modules.d/*.conf

User apache
Group apache

ServerAdmin root@localhost

<Directory />
    AllowOverride none
    Require all denied
</Directory>

DocumentRoot "/var/www/html"

<Directory "/var/www/html">
    Options Indexes FollowSymLinks
    AllowOverride None
    Require all granted
</Directory>

<IfModule dir_module>
    DirectoryIndex index.html
</IfModule>

ErrorLog "logs/error_log"
LogLevel warn

<IfModule log_config_module>
    LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\
\\"%{User-Agent}i\\"" combined
    <IfModule logio_module>
      LogFormat "%h %l %u %t \\"%r\\" %>s %b %I %O" combinedio
    </IfModule>
    CustomLog "logs/access_log" combined
</IfModule>

AddDefaultCharset UTF-8

# MBPanel capacity settings, worker and event blocks kept in step.
<IfModule mpm_worker_module>
    StartServers             3
    MaxRequestWorkers      150
    ThreadsPerChild         25
</IfModule>

<IfModule mpm_event_module>
    StartServers             3
    MaxRequestWorkers      150
    ThreadsPerChild         25
</IfModule>

EnableSendfile on

# Supplemental configuration
#
# Load config files in the "/etc/httpd/conf.d" directory, if any.
IncludeOptional conf.d/*.conf
"""

RHEL_00_MPM = """\
# Select the MPM module which should be used by uncommenting exactly
# one of the following LoadModule lines.  See the httpd.conf(5) man
# page for more information on changing the MPM.

# prefork MPM: non-threaded, one process per connection.
#
#LoadModule mpm_prefork_module modules/mod_mpm_prefork.so

# worker MPM: threads inside several processes.
#
#LoadModule mpm_worker_module modules/mod_mpm_worker.so

# event MPM: the worker MPM with a listener thread for idle connections.
#
LoadModule mpm_event_module modules/mod_mpm_event.so
"""

RHEL_00_BASE = """\
LoadModule access_compat_module modules/mod_access_compat.so
LoadModule alias_module modules/mod_alias.so
LoadModule authz_core_module modules/mod_authz_core.so
LoadModule dir_module modules/mod_dir.so
LoadModule log_config_module modules/mod_log_config.so
LoadModule logio_module modules/mod_logio.so
LoadModule mime_module modules/mod_mime.so
LoadModule unixd_module modules/mod_unixd.so
"""

RHEL_10_WSGI = """\
<IfModule !wsgi_module>
    LoadModule wsgi_module modules/mod_wsgi_python3.so
</IfModule>
"""

RHEL_WSGI_CONF = """\
WSGISocketPrefix /run/httpd/wsgi
WSGIDaemonProcess mbpanel processes=3 threads=15 display-name=%{GROUP} \\
    python-home=/opt/mbpanel/venv home=/opt/mbpanel
WSGIProcessGroup mbpanel
WSGIApplicationGroup %{GLOBAL}
WSGIScriptAlias / /opt/mbpanel/app/wsgi.py

<Directory /opt/mbpanel/app>
    <Files wsgi.py>
        Require all granted
    </Files>
</Directory>
"""


def rhel_tree() -> dict[str, str]:
    return {
        "/etc/httpd/conf/httpd.conf": RHEL_HTTPD_CONF,
        "/etc/httpd/conf.modules.d/00-base.conf": RHEL_00_BASE,
        "/etc/httpd/conf.modules.d/00-mpm.conf": RHEL_00_MPM,
        "/etc/httpd/conf.modules.d/10-wsgi-python3.conf": RHEL_10_WSGI,
        "/etc/httpd/conf.d/wsgi.conf": RHEL_WSGI_CONF,
    }


DEBIAN_APACHE2_CONF = """\
# Global configuration
#
DefaultRuntimeDir ${APACHE_RUN_DIR}
PidFile ${APACHE_PID_FILE}
Timeout 300
KeepAlive On

User ${APACHE_RUN_USER}
Group ${APACHE_RUN_GROUP}

ErrorLog ${APACHE_LOG_DIR}/error.log
LogLevel warn

# Include module configuration:
IncludeOptional mods-enabled/*.load
IncludeOptional mods-enabled/*.conf

# Include list of ports to listen on
Include ports.conf

IncludeOptional conf-enabled/*.conf
IncludeOptional sites-enabled/*.conf
"""

DEBIAN_MPM_EVENT_CONF = """\
# event MPM
# StartServers: initial number of server processes to start
# MaxRequestWorkers: maximum number of worker threads
<IfModule mpm_event_module>
\tStartServers\t\t\t 2
\tMinSpareThreads\t\t 25
\tMaxSpareThreads\t\t 75
\tThreadLimit\t\t\t 64
\tThreadsPerChild\t\t 25
\tMaxRequestWorkers\t  150
\tMaxConnectionsPerChild   0
</IfModule>
"""


def debian_tree() -> dict[str, str]:
    return {
        "/etc/apache2/apache2.conf": DEBIAN_APACHE2_CONF,
        "/etc/apache2/ports.conf": (
            "Listen 80\n<IfModule ssl_module>\n\tListen 443\n</IfModule>\n"
        ),
        "/etc/apache2/mods-enabled/mpm_event.load": (
            "# Conflicts: mpm_worker mpm_prefork\n"
            "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n"
        ),
        "/etc/apache2/mods-enabled/mpm_event.conf": DEBIAN_MPM_EVENT_CONF,
        "/etc/apache2/mods-enabled/wsgi.load": (
            "LoadModule wsgi_module /usr/lib/apache2/modules/mod_wsgi.so\n"
        ),
    }


DEBIAN_ENV = {
    "APACHE_RUN_DIR": "/var/run/apache2",
    "APACHE_PID_FILE": "/var/run/apache2/apache2.pid",
    "APACHE_RUN_USER": "www-data",
    "APACHE_RUN_GROUP": "www-data",
    "APACHE_LOG_DIR": "/var/log/apache2",
}
