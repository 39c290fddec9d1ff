#!/usr/bin/env python3
"""Follows docs/deploy.md literally on simulated machines, so that the guide cannot rot.

    follow_guide.py PACKAGE.deb [GUIDE.md]

Each machine the guide names (`@machine` on a code block) is a network namespace on a shared
bridge plus a mount namespace whose /etc, /var and /usr are overlays of this host's (written
changes stay in a scratch folder) and whose /run, /srv, /root and /tmp are its own. The package
is put in each machine's /root, where the guide's commands run. systemd is not running in
them: tests/deploy/systemctl-standin does what the units ask (the units themselves are checked
by systemd-analyze in scripts/package.sh). Names such as relay1.example.net resolve through each
machine's /etc/hosts to the machine whose relay profile listens for them.

The guide's blocks, in order:
    ```sh @machine                 run as root with bash -euo pipefail; must exit 0
    ```sh @machine until="TEXT"    run again (every 0.5 s, up to 60 s) until its output has TEXT
    ```yaml @machine > PATH        written to PATH on that machine
    ```copy                        lines "FROM:PATH  TO:PATH" (a TO ending in / is a folder)
Other blocks are not run. Every process a machine started dies with it (its PID namespace) at
the end, and the namespaces and scratch folder are removed.
"""
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BLOCK = re.compile(r"^```(\S*)[ \t]*(.*?)\n(.*?)^```[ \t]*$", re.M | re.S)
UNTIL_SECONDS = 60


class GuideFailure(Exception):
    pass


def run(command, **kwargs):
    return subprocess.run(command, check=True, **kwargs)


class Machine:
    """A network and mount (and PID) namespace; its PID 1 holds them open."""

    def __init__(self, name, address, scratch, netns):
        self.name, self.address, self.netns = name, address, netns
        self.root = os.path.join(scratch, name)
        layers = []
        for folder in ("etc", "var", "usr"):
            upper, work = (os.path.join(self.root, kind, folder) for kind in ("upper", "work"))
            os.makedirs(upper)
            os.makedirs(work)
            layers.append(f"mount -t overlay overlay -o lowerdir=/{folder},upperdir={upper},workdir={work} /{folder}")
        private = [f"mount -t tmpfs tmpfs /{folder}" for folder in ("run", "srv", "root", "tmp")]
        setup = " && ".join(["mount --make-rprivate /"] + layers + private +
                            ["touch /run/ready", "exec sleep infinity"])
        self.holder = subprocess.Popen(["ip", "netns", "exec", netns, "unshare", "--mount", "--pid", "--fork",
                                        "--mount-proc", "sh", "-c", setup])
        self.pid = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.pid is None:
            self.pid = self._inner_pid()
            if self.pid is None:
                time.sleep(0.05)
        if self.pid is None:
            raise GuideFailure(f"machine {name} did not come up")
        while not self.exists("/run/ready"):
            if time.monotonic() > deadline:
                raise GuideFailure(f"machine {name}: overlays not mounted")
            time.sleep(0.05)

    def _inner_pid(self):
        # The holder is `ip netns exec` -> unshare -> sh (PID 1 inside, then sleep).
        try:
            out = subprocess.run(["pgrep", "-f", "^sleep infinity$"], capture_output=True, text=True).stdout
        except OSError:
            return None
        for pid in out.split():
            if self._same_netns(pid) and self._mount_differs(pid):
                return int(pid)
        return None

    def _same_netns(self, pid):
        try:
            return os.stat(f"/proc/{pid}/ns/net").st_ino == os.stat(f"/run/netns/{self.netns}").st_ino
        except OSError:
            return False

    def _mount_differs(self, pid):
        try:
            return os.stat(f"/proc/{pid}/ns/mnt").st_ino != os.stat("/proc/self/ns/mnt").st_ino
        except OSError:
            return False

    def enter(self, argv, **kwargs):
        env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
               "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive"}
        # The machine's /root: nsenter's --wd would resolve the host's before entering.
        return subprocess.run(["nsenter", "-t", str(self.pid), "-m", "-n", "-p", "--", "sh", "-c",
                               'cd /root && exec "$@"', "sh"] + argv, env=env, **kwargs)

    def exists(self, path):
        return self.enter(["test", "-e", path]).returncode == 0

    def shell(self, script):
        return self.enter(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True)

    def write(self, path, data):
        folder = os.path.dirname(path)
        result = self.enter(["sh", "-c", f"mkdir -p {shlex.quote(folder)} && cat > {shlex.quote(path)}"],
                            input=data, capture_output=True)
        if result.returncode != 0:
            raise GuideFailure(f"{self.name}: cannot write {path}: {result.stderr!r}")

    def read(self, path):
        result = self.enter(["cat", path], capture_output=True)
        if result.returncode != 0:
            raise GuideFailure(f"{self.name}: cannot read {path}: {result.stderr.decode(errors='replace')}")
        return result.stdout

    def stop(self):
        # PID 1 of the machine's PID namespace: every process in it dies with it.
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.holder.kill()
        self.holder.wait()


class Network:
    """A bridge in its own namespace, and one namespace per machine linked to it."""

    def __init__(self, tag):
        self.tag = tag
        self.hub = f"{tag}-hub"
        self.namespaces = []
        self._add_namespace(self.hub)
        run(["ip", "-n", self.hub, "link", "add", "br0", "type", "bridge"])
        run(["ip", "-n", self.hub, "link", "set", "br0", "up"])

    def _add_namespace(self, name):
        run(["ip", "netns", "add", name])
        self.namespaces.append(name)
        run(["ip", "-n", name, "link", "set", "lo", "up"])

    def attach(self, index):
        name = f"{self.tag}-m{index}"
        self._add_namespace(name)
        address = f"10.201.0.{10 + index}"
        run(["ip", "-n", self.hub, "link", "add", f"p{index}", "type", "veth", "peer", "name", "eth0", "netns", name])
        run(["ip", "-n", self.hub, "link", "set", f"p{index}", "master", "br0", "up"])
        run(["ip", "-n", name, "addr", "add", f"{address}/24", "dev", "eth0"])
        run(["ip", "-n", name, "link", "set", "eth0", "up"])
        return name, address

    def remove(self):
        for name in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", name], stderr=subprocess.DEVNULL)


def parse(guide_text):
    steps = []
    for match in BLOCK.finditer(guide_text):
        language, info, body = match.group(1), match.group(2).strip(), match.group(3)
        line = guide_text.count("\n", 0, match.start()) + 1
        if language == "copy":
            steps.append(("copy", None, body, {}, line))
            continue
        target = re.match(r"@(\S+)\s*(.*)$", info)
        if not target:
            continue
        machine, rest = target.group(1), target.group(2)
        if rest.startswith(">"):
            steps.append(("write", machine, body, {"path": rest[1:].strip()}, line))
        elif language == "sh":
            until = re.match(r'until="([^"]*)"$', rest)
            if rest and not until:
                raise GuideFailure(f"line {line}: cannot read block options '{rest}'")
            steps.append(("run", machine, body, {"until": until.group(1) if until else None}, line))
    return steps


def hosts_file(machines, guide_text):
    """Each machine by its name, and relayN.example.net as the machine whose relay profile has the
    account relay-serverN@net."""
    lines = ["127.0.0.1 localhost"]
    for name, machine in machines.items():
        lines.append(f"{machine.address} {name}")
        number = _relay_number(guide_text, name)
        if number:
            lines.append(f"{machine.address} relay{number}.example.net")
    return "\n".join(lines) + "\n"


def _relay_number(guide_text, machine):
    found = re.search(rf"```yaml @{re.escape(machine)} > \S*relay\.yaml\n(?:.*\n)*?\s*account: relay-server(\d+)@",
                      guide_text)
    return found.group(1) if found else None


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    package = os.path.abspath(sys.argv[1])
    guide = sys.argv[2] if len(sys.argv) == 3 else os.path.join(HERE, "..", "..", "docs", "deploy.md")
    with open(guide) as f:
        guide_text = f.read()
    steps = parse(guide_text)
    names = []
    for kind, machine, _, _, _ in steps:
        if machine and machine not in names:
            names.append(machine)
    for _, _, body, _, _ in (s for s in steps if s[0] == "copy"):
        for line in body.splitlines():
            for end in line.split():
                name = end.split(":", 1)[0]
                if name not in names:
                    names.append(name)
    print(f"follow_guide: {len(steps)} steps on {len(names)} machines: {', '.join(names)}", flush=True)

    scratch = tempfile.mkdtemp(prefix="relaysync-guide-")
    tag = f"rsg{os.getpid() % 100000}"
    network = Network(tag)
    machines = {}
    try:
        for index, name in enumerate(names):
            netns, address = network.attach(index)
            machines[name] = Machine(name, address, scratch, netns)
        hosts = hosts_file(machines, guide_text)
        with open(os.path.join(HERE, "systemctl-standin"), "rb") as f:
            standin = f.read()
        with open(package, "rb") as f:
            deb = f.read()
        for machine in machines.values():
            machine.write("/etc/hosts", hosts.encode())
            machine.write("/etc/hostname", (machine.name + "\n").encode())
            # In place of systemd's own systemctl too (the machine's /usr is an overlay): maintainer
            # scripts run with a PATH of dpkg's choosing.
            for place in ("/usr/local/bin/systemctl", "/usr/bin/systemctl"):
                machine.write(place, standin)
                machine.enter(["chmod", "755", place], check=True)
            # What maintainer scripts look for to know systemd runs here: the package's postinst
            # then restarts the services on upgrade, as on a real machine.
            machine.enter(["mkdir", "-p", "/run/systemd/system"], check=True)
            machine.write("/root/" + os.path.basename(package), deb)
        for number, (kind, name, body, options, line) in enumerate(steps, 1):
            where = f"step {number} (deploy.md line {line})"
            if kind == "copy":
                for entry in body.splitlines():
                    if not entry.strip():
                        continue
                    source, target = entry.split()
                    source_machine, source_path = source.split(":", 1)
                    target_machine, target_path = target.split(":", 1)
                    if target_path.endswith("/"):
                        target_path += os.path.basename(source_path)
                    print(f"== {where}: copy {source} -> {target_machine}:{target_path}", flush=True)
                    machines[target_machine].write(target_path, machines[source_machine].read(source_path))
            elif kind == "write":
                print(f"== {where}: @{name} writes {options['path']}", flush=True)
                machines[name].write(options["path"], body.encode())
            else:
                print(f"== {where}: @{name}" + (f" until \"{options['until']}\"" if options["until"] else ""),
                      flush=True)
                print("   " + body.rstrip().replace("\n", "\n   "), flush=True)
                deadline = time.monotonic() + UNTIL_SECONDS
                while True:
                    result = machines[name].shell(body)
                    output = result.stdout + result.stderr
                    if options["until"] is None:
                        if result.returncode != 0:
                            raise GuideFailure(f"{where} on {name} exited {result.returncode}:\n{output}")
                        break
                    if result.returncode == 0 and options["until"] in output:
                        break
                    if time.monotonic() > deadline:
                        raise GuideFailure(f"{where} on {name}: no \"{options['until']}\" within "
                                           f"{UNTIL_SECONDS} s; last output (exit {result.returncode}):\n{output}")
                    time.sleep(0.5)
                if output.strip():
                    print("   > " + output.rstrip().replace("\n", "\n   > "), flush=True)
        print(f"follow_guide: every step of {os.path.basename(guide)} ran as written", flush=True)
        return 0
    except GuideFailure as failure:
        print(f"follow_guide: FAILED: {failure}", file=sys.stderr, flush=True)
        for machine in machines.values():
            for log in ("/var/log/relaysync/relay.log", "/var/log/relaysync/terminal.log"):
                if machine.exists(log):
                    tail = machine.read(log).decode(errors="replace").splitlines()[-15:]
                    print(f"--- {machine.name}:{log} (last lines)\n" + "\n".join(tail), file=sys.stderr)
        return 1
    finally:
        for machine in machines.values():
            machine.stop()
        network.remove()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
