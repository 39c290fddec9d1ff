#!/usr/bin/env python3
"""Prints a TCP port on 127.0.0.1 that was free a moment ago, picked at random below the
kernel's range for outgoing connections (/proc/sys/net/ipv4/ip_local_port_range): a port the
kernel hands out could be taken by another test's outgoing connection before the server that is
given it binds it (seen as 'Address already in use' under load). A port that a test process
holds through relaysync_ports (core/apps/ports: byte <port> of /tmp/relaysync-ports.lock,
locked until that process exits) is skipped too; this script cannot hold one for its caller,
since it exits at once."""
import fcntl
import os
import random
import socket


def lock_file():
    for path in ("/tmp/relaysync-ports.lock", "/tmp/relaysync-ports-%d.lock" % os.geteuid()):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        except OSError:
            continue
        if os.fstat(fd).st_uid == os.geteuid():
            os.fchmod(fd, 0o666 if path.endswith("ports.lock") else 0o600)  # past the umask
        return fd
    return None


def held_elsewhere(fd, port):
    if fd is None:
        return False
    try:
        # A POSIX record lock conflicts with the test processes' OFD locks of the same byte.
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, port, os.SEEK_SET)
    except OSError:
        return True
    fcntl.lockf(fd, fcntl.LOCK_UN, 1, port, os.SEEK_SET)
    return False


try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        end = int(f.read().split()[0])
except (OSError, ValueError, IndexError):
    end = 32768
fd = lock_file()
for _ in range(1000):
    port = random.randrange(10000, end)
    if held_elsewhere(fd, port):
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    raise SystemExit("no free port on 127.0.0.1 below %d" % end)
