#!/usr/bin/env python3
"""Prints a TCP port on 127.0.0.1 that was free a moment ago, picked at random below the
kernel's range for outgoing connections (/proc/sys/net/ipv4/ip_local_port_range): a port the
kernel hands out could be taken by another test's outgoing connection before the server that is
given it binds it (seen as 'Address already in use' under load)."""
import random
import socket

try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        end = int(f.read().split()[0])
except (OSError, ValueError, IndexError):
    end = 32768
for _ in range(1000):
    port = random.randrange(10000, end)
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
