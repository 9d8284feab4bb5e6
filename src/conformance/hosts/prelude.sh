# Functions shared by the fact scripts. POSIX sh; reads only.
PATH="$PATH:/usr/sbin:/sbin:/usr/local/bin"
LC_ALL=C; export LC_ALL
mark() { printf '\n@@MBP %s@@\n' "$*"; }
# A newline first, because output such as `pm2 jlist` does not end with one.
status() { printf '\n@@rc %s\n' "$1"; }

# Print a file as base64 after a state line: ok, missing or unreadable. The runbook's
# sudo rules allow reading the three config files, so sudo -n is the fallback.
dump() {
  mark file "$1"
  if [ ! -e "$1" ]; then echo missing; return; fi
  if cat -- "$1" >/dev/null 2>&1; then
    echo ok; cat -- "$1" | base64 | tr -d '\n'
  elif sudo -n cat -- "$1" >/dev/null 2>&1; then
    echo ok; sudo -n cat -- "$1" | base64 | tr -d '\n'
  else
    echo unreadable
  fi
  echo
}

# Open a TCP connection from this host, whatever netcat flavour it has (or none):
# bash's /dev/tcp under timeout, else Python's socket module.
tcp_probe() {
  mark tcp "$1:$2"
  if command -v bash >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1; then
    timeout "$3" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>&1
    status $?
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), float(sys.argv[3])).close()' \
      "$1" "$2" "$3" 2>&1
    status $?
  else
    echo "neither bash with timeout nor python3 is installed"
    status 127
  fi
}
