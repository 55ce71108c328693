#!/usr/bin/env python3
"""Checks a Cutover ledger export without Cutover: docs/ledger.md, "Checking a chain without Cutover".

    python3 verify_ledger.py EXPORT.json --public-key KEY.pem [--public-key OLD.pem]

Exit 0: the chain verifies. 1: it is broken; the first broken record is named. 2: bad arguments,
or a file that cannot be read. Needs Python 3.8+ and the `cryptography` package, nothing else.
"""
import argparse, base64, hashlib, json, re, sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key

GENESIS = "0" * 64
HEX64 = re.compile(r"[0-9a-f]{64}")
BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
FIELDS = {"service", "seq", "at", "type", "deploymentId", "release", "actor", "detail", "prevHash", "hash"}
ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


class Broken(Exception):
    def __init__(self, seq, problem, message):
        super().__init__(message)
        self.seq, self.problem = seq, problem


# --- RFC 8785 canonical JSON -------------------------------------------------------------------

def canonical(value):
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, str):
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            raise ValueError("a string contains a lone surrogate")
        return '"' + "".join(ESCAPES.get(c) or (f"\\u{ord(c):04x}" if c < " " else c) for c in value) + '"'
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):  # keys in UTF-16 code unit order
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(canonical(k) + ":" + canonical(value[k]) for k in keys) + "}"
    raise ValueError(f"a {type(value).__name__} has no JSON form")


def number(x):
    """ECMAScript's Number.prototype.toString, which RFC 8785 uses."""
    if isinstance(x, int) and abs(x) < 2**53:
        return str(x)
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError("NaN and infinities have no JSON form")
    if x == 0:
        return "0"
    sign, text = ("-" if x < 0 else ""), repr(abs(x))  # repr: the shortest digits that round-trip
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    significant = all_digits.lstrip("0")
    n = len(significant) + int(exponent or 0) - len(fraction)  # x = 0.<digits> * 10**n
    digits = significant.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    return sign + digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))


# --- Records ---------------------------------------------------------------------------------

def seq_of(record):
    seq = record.get("seq") if isinstance(record, dict) else None
    return seq if type(seq) is int and 1 <= seq < 2**53 else None


def well_formed(record):
    """The envelope every record has (the `detail` of each type is not checked here)."""
    if not isinstance(record, dict) or not FIELDS <= set(record) <= FIELDS | {"signature"}:
        return False
    texts = all(isinstance(record[f], str) and record[f] for f in ("service", "at", "type", "deploymentId", "actor"))
    numbers = seq_of(record) is not None and type(record["release"]) is int and record["release"] >= 1
    hashes_ok = all(isinstance(record[f], str) and HEX64.fullmatch(record[f]) for f in ("prevHash", "hash"))
    signature = record.get("signature", {"keyId": "none", "value": "AA=="})
    signed_ok = (isinstance(signature, dict) and set(signature) == {"keyId", "value"}
                 and isinstance(signature["keyId"], str) and signature["keyId"] != ""
                 and isinstance(signature["value"], str) and BASE64.fullmatch(signature["value"]))
    return texts and numbers and hashes_ok and isinstance(record["detail"], dict) and bool(signed_ok)


def check_record(record, where, service):
    """Schema, hash, service and signature of one record or anchor; raises Broken."""
    seq = seq_of(record)
    if not well_formed(record):
        raise Broken(seq, "malformed", f"{where}: is malformed")
    body = {k: v for k, v in record.items() if k not in ("hash", "signature")}
    try:
        text = canonical(body)
    except ValueError as error:
        raise Broken(seq, "malformed", f"{where}: is malformed: {error}")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != record["hash"]:
        raise Broken(seq, "hash-mismatch", f"{where}: hash does not match its contents")
    if record["service"] != service:
        raise Broken(seq, "wrong-service", f'{where}: belongs to service "{record["service"]}", not "{service}"')
    return seq


def check_signature(record, where, keys):
    if "signature" not in record:
        raise Broken(record["seq"], "signature-missing", f"{where}: is not signed")
    message = f"cutover-ledger-v1\n{record['service']}\n{record['seq']}\n{record['hash']}".encode("utf-8")
    try:
        signature = base64.b64decode(record["signature"]["value"], validate=True)
    except ValueError:
        signature = b""
    for key in keys:
        try:
            key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
            return
        except InvalidSignature:
            continue
    raise Broken(record["seq"], "signature-invalid", f"{where}: signature does not match the public key(s)")


def verify(exported, keys):
    """Returns (count, head seq, newest anchor seq); raises Broken at the first broken record."""
    service, records, prev = exported["service"], exported["records"], None
    for i, record in enumerate(records, start=1):
        seq = seq_of(record)
        where = f"record {i}" + (f" (seq {seq})" if seq is not None else "")
        check_record(record, where, service)
        expected = prev["seq"] + 1 if prev else 1
        if seq != expected:
            raise Broken(seq, "sequence-gap", f"{where}: expected seq {expected} but found seq {seq}")
        if record["prevHash"] != (prev["hash"] if prev else GENESIS):
            raise Broken(seq, "prev-hash-mismatch", f"{where}: prevHash does not match the previous hash")
        check_signature(record, where, keys)
        prev = record
    anchored = None
    for anchor in exported["anchors"]:
        seq = seq_of(anchor)
        where = "the anchor in the anchor bucket" + (f" (seq {seq})" if seq is not None else "")
        check_record(anchor, where, service)
        check_signature(anchor, where, keys)
        if len(records) < seq:
            raise Broken(len(records) + 1, "head-mismatch",
                         f"record {len(records) + 1} (seq {len(records) + 1}): is missing: the chain ends "
                         f"at seq {len(records)} but the anchor is seq {seq}; the newest records were removed")
        if records[seq - 1]["hash"] != anchor["hash"]:
            raise Broken(seq, "head-mismatch", f"record {seq} (seq {seq}): hash differs from the anchor")
        anchored = max(anchored or 0, seq)
    return len(records), (prev["seq"] if prev else None), anchored


def main(argv):
    parser = argparse.ArgumentParser(description="Check a Cutover ledger export (cutover releases --export).")
    parser.add_argument("export", help="the export file")
    parser.add_argument("--public-key", action="append", required=True, help="a PEM public key; repeatable")
    args = parser.parse_args(argv)  # bad arguments: exit 2
    try:
        keys = []
        for path in args.public_key:
            with open(path, "rb") as f:
                key = load_pem_public_key(f.read())
            if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
                raise ValueError(f"{path} is not a P-256 public key")
            keys.append(key)
        with open(args.export, encoding="utf-8") as f:
            exported = json.load(f)
        if not (isinstance(exported, dict) and exported.get("format") == "cutover-ledger-export-v1"
                and isinstance(exported.get("service"), str) and isinstance(exported.get("records"), list)
                and isinstance(exported.get("anchors"), list)):
            raise ValueError(f"{args.export} is not a ledger export (format cutover-ledger-export-v1)")
    except (OSError, ValueError) as error:
        print(f"verify_ledger: {error}", file=sys.stderr)
        return 2
    service = exported["service"]
    try:
        count, head, anchored = verify(exported, keys)
    except Broken as broken:
        print(f"✗ the ledger of {service} is broken at seq {broken.seq or '?'}, {broken.problem}: {broken}")
        return 1
    at_head = f", head seq {head}" if head else ""
    anchor = f", reaching the anchor at seq {anchored}" if anchored else "; it has no anchor"
    print(f"✓ the ledger of {service} verifies offline: {count} records signed{at_head}{anchor}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
