#!/usr/bin/python3
"""Encodes a Jaeger Batch with Apache Thrift's Python library (Debian's
python3-thrift), a second Thrift implementation next to the Node one in
receiver.js, so the receiver's self-test does not check a decoder against its
own encoder.

    jaeger_encode.py {compact|binary|batch} [--seqid N] < batch.json > bytes

compact/binary: a one-way Agent.emitBatch message (UDP agent); batch: a bare
binary Batch (HTTP collector). The JSON mirrors the IDL field names; i64 may be
a decimal string, binary is base64. Unknown names are an error.

The Python code is generated from jaeger-client's IDL into a temporary
directory by Debian's thrift-compiler (the `thrift` on PATH, or $THRIFT).
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile

PEERS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDL = os.path.join(PEERS_DIR, "node_modules", "jaeger-client", "dist", "src", "jaeger-idl", "thrift", "agent.thrift")


def load_generated_code(out_dir):
    subprocess.run([os.environ.get("THRIFT", "thrift"), "-r", "--gen", "py", "-out", out_dir, IDL], check=True)
    sys.path.insert(0, out_dir)
    from agent import Agent  # generated
    from jaeger import ttypes  # generated
    return Agent, ttypes


def from_json(ttype, type_args, value):
    """Builds a Thrift value from JSON, driven by the generated thrift_spec."""
    from thrift.Thrift import TType

    if ttype == TType.STRUCT:
        cls = type_args[0]
        fields = {spec[2]: spec for spec in cls.thrift_spec if spec}
        unknown = set(value) - set(fields)
        if unknown:
            raise ValueError(f"{cls.__name__}: unknown fields {sorted(unknown)}")
        obj = cls()
        for name, item in value.items():
            _, field_type, _, field_args, _ = fields[name]
            setattr(obj, name, from_json(field_type, field_args, item))
        return obj
    if ttype in (TType.LIST, TType.SET):
        return [from_json(type_args[0], type_args[1], item) for item in value]
    if ttype in (TType.I64, TType.I32, TType.I16, TType.BYTE):
        return int(value)
    if ttype == TType.DOUBLE:
        return float(value)
    if ttype == TType.BOOL:
        return bool(value)
    if ttype == TType.STRING:
        return base64.b64decode(value) if type_args == "BINARY" else str(value)
    raise ValueError(f"unsupported Thrift type {ttype}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["compact", "binary", "batch"])
    parser.add_argument("--seqid", type=int, default=0)
    args = parser.parse_args()

    from thrift.protocol import TBinaryProtocol, TCompactProtocol
    from thrift.TSerialization import serialize
    from thrift.transport import TTransport
    from thrift.Thrift import TType

    with tempfile.TemporaryDirectory(prefix="tracewire-pythrift-") as out_dir:
        Agent, ttypes = load_generated_code(out_dir)
        batch = from_json(TType.STRUCT, [ttypes.Batch, None], json.load(sys.stdin))
        if args.mode == "batch":
            data = serialize(batch, TBinaryProtocol.TBinaryProtocolFactory())
        else:
            factory = (TCompactProtocol.TCompactProtocolFactory() if args.mode == "compact"
                       else TBinaryProtocol.TBinaryProtocolFactory())
            transport = TTransport.TMemoryBuffer()
            client = Agent.Client(factory.getProtocol(transport))
            client._seqid = args.seqid  # the generated client has no other way to set it
            client.send_emitBatch(batch)
            data = transport.getvalue()
    sys.stdout.buffer.write(data)


if __name__ == "__main__":
    main()
