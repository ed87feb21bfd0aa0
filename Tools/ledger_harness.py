"""Shared by Tools/crash-test and Tools/load-test: runs the release `ledger` binary, makes events
with known ids, and checks a ledger the way an auditor would (standard library only)."""
import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_release():
    """Builds the release binary (as Tools/test does) and returns its path."""
    env = dict(os.environ)
    if os.path.isdir("/opt/swift/usr/bin"):
        env["PATH"] = "/opt/swift/usr/bin:" + env["PATH"]
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "ledger"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return os.path.join(ROOT, ".build", "release", "ledger")


class Ledger:
    def __init__(self, binary, path):
        self.binary = binary
        self.path = path

    def command(self, *args):
        return [self.binary, *args, "--ledger", self.path]

    def run(self, *args, stdin=None, env=None, check=True):
        result = subprocess.run(self.command(*args), input=stdin, capture_output=True,
                                env={**os.environ, **(env or {})})
        if check and result.returncode != 0:
            raise RuntimeError(f"ledger {' '.join(args)}: exit {result.returncode}: {result.stderr.decode()}")
        return result

    def start(self, *args, stdin=None, env=None):
        process = subprocess.Popen(self.command(*args), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
        if stdin is not None:
            process.stdin.write(stdin)
        process.stdin.close()
        return process

    def stored_lines(self):
        """Every stored line (bytes) by seq, read with `ledger log`."""
        out = self.run("log").stdout
        lines = {}
        for line in out.split(b"\n"):
            if line:
                lines[json.loads(line)["seq"]] = line
        return lines

    def checkpoint(self):
        """The projections' checkpoint seq (0 when there are none)."""
        path = os.path.join(self.path, "projections.sqlite")
        if not os.path.exists(path):
            return 0
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'checkpoint_seq'").fetchone()
        return int(row[0]) if row else 0


class Batch:
    """Events appended together, with ids fixed in advance so that what is stored can be traced."""

    def __init__(self, events):
        self.ids = [str(uuid.uuid4()) for _ in events]
        self.lines = [json.dumps({"id": i, **e}, separators=(",", ":")) for i, e in zip(self.ids, events)]
        self.acks = {}  # seq -> (id, hash) as the ledger printed them

    @property
    def stdin(self):
        return ("\n".join(self.lines) + "\n").encode()

    def take_acks(self, stdout):
        """Records the whole acknowledgement lines printed (a kill may cut the last one short)."""
        for line in stdout.split(b"\n")[:-1]:
            ack = json.loads(line)
            self.acks[ack["seq"]] = (ack["id"], ack["hash"])


class Companies:
    """New companies' events: each valid on its own, whatever else is appended around it."""

    def __init__(self, rng, prefix):
        self.rng = rng
        self.prefix = prefix
        self.count = 0

    def next(self):
        self.count += 1
        c = f"{self.prefix}{self.count}"
        return [
            {"type": "ApplicationFiled", "company": c, "on": "2024-05-01", "name": f"{c} Ltd", "brNumber": "12345678",
             "brExpiresOn": "2099-12-31", "sector": "non-manufacturing", "employeesInHK": 12, "class": "affiliate"},
            {"type": "DocumentsSubmitted", "company": c, "on": "2024-05-02", "documents": ["br-certificate"]},
            {"type": "MembershipApproved", "company": c, "on": "2024-05-03", "class": "affiliate"},
            {"type": "FeeRequested", "company": c, "on": "2024-05-04", "period": "2024-25"},
            {"type": "FeePaid", "company": c, "on": "2024-05-05", "amount": "1000", "reference": f"R-{c}"},
        ]

    def batch(self, size):
        """`size` events: whole companies' histories, the last one cut short (any prefix is valid)."""
        events = []
        while len(events) < size:
            events += self.next()
        return Batch(events[:size])


def schedule():
    return json.dumps({"type": "FeeScheduleSet", "on": "2020-01-01", "full": "2000", "affiliate": "1000"})


class Auditor:
    """What every check after a fault requires of the ledger."""

    def __init__(self, ledger):
        self.ledger = ledger
        self.seen = {}  # seq -> sha256 of the line when first seen: stored bytes never change

    def check(self, batches, verify_log=False):
        lines = self.ledger.stored_lines()
        problems = []
        seqs = sorted(lines)
        if seqs != list(range(1, len(seqs) + 1)):
            problems.append(f"seqs are not 1..{len(seqs)} without gaps")
        ids = {}
        for seq, line in lines.items():
            digest = hashlib.sha256(line).hexdigest()
            if self.seen.setdefault(seq, digest) != digest:
                problems.append(f"seq {seq}: its stored bytes changed")
            ids[json.loads(line)["id"]] = (seq, digest)
        for batch in batches:
            for seq, (ack_id, ack_hash) in batch.acks.items():
                if ids.get(ack_id) != (seq, ack_hash):
                    problems.append(f"acknowledged seq {seq} ({ack_id}) is lost or changed")
            present = sum(1 for i in batch.ids if i in ids)
            if present not in (0, len(batch.ids)):
                problems.append(f"a batch of {len(batch.ids)} is partly visible ({present} events)")
        verify = self.ledger.run("verify", check=False)
        if verify.returncode != 0:
            problems.append(f"verify: exit {verify.returncode}: {verify.stdout.decode()}{verify.stderr.decode()}")
        update = self.ledger.run("project", "update", check=False)
        if update.returncode != 0:
            problems.append(f"project update: exit {update.returncode}: {update.stderr.decode()}")
        elif self.ledger.checkpoint() != len(seqs):
            problems.append(f"projections stop at seq {self.ledger.checkpoint()}, the head is {len(seqs)}")
        if verify_log:
            independent = subprocess.run([os.path.join(ROOT, "Tools", "verify-log"), self.ledger.path],
                                         capture_output=True)
            if independent.returncode != 0:
                problems.append(f"Tools/verify-log: {independent.stdout.decode()}")
        return len(seqs), problems


def fail(problems):
    for p in problems[:20]:
        print("FAIL:", p, file=sys.stderr)
    sys.exit(1)
