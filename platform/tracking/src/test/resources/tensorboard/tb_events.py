#!/usr/bin/python3
"""A second, independent TensorBoard event-file writer and reader for Cairn's tests.

Builds the message classes at run time from descriptors (field numbers as in TensorFlow's
event.proto / summary.proto / tensor.proto / histogram.proto and TensorBoard's hparams and text
plugin protos), encodes them with Debian's python3-protobuf and frames them with python3-crc32c.

  tb_events.py write LOGDIR   writes two runs (run_a, nested/run_b) and prints a JSON manifest
  tb_events.py read DIR       reads every event file under DIR, checks every CRC, prints a JSON summary
"""
import json
import os
import struct
import sys
import zlib

import crc32c
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, struct_pb2

F = descriptor_pb2.FieldDescriptorProto


def _file():
    fd = descriptor_pb2.FileDescriptorProto(name="tbtest.proto", package="tbtest", syntax="proto3",
                                            dependency=["google/protobuf/struct.proto"])

    def msg(name, *fields):
        m = fd.message_type.add(name=name)
        for (fname, num, ftype, label, tname) in fields:
            f = m.field.add(name=fname, number=num, type=ftype, label=label)
            if tname:
                f.type_name = tname
        return m

    opt, rep = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    msg("Dim", ("size", 1, F.TYPE_INT64, opt, None))
    msg("Shape", ("dim", 2, F.TYPE_MESSAGE, rep, ".tbtest.Dim"))
    msg("Tensor", ("dtype", 1, F.TYPE_INT32, opt, None), ("tensor_shape", 2, F.TYPE_MESSAGE, opt, ".tbtest.Shape"),
        ("tensor_content", 4, F.TYPE_BYTES, opt, None), ("float_val", 5, F.TYPE_FLOAT, rep, None),
        ("double_val", 6, F.TYPE_DOUBLE, rep, None), ("string_val", 8, F.TYPE_BYTES, rep, None))
    msg("Histo", ("min", 1, F.TYPE_DOUBLE, opt, None), ("max", 2, F.TYPE_DOUBLE, opt, None),
        ("num", 3, F.TYPE_DOUBLE, opt, None), ("sum", 4, F.TYPE_DOUBLE, opt, None),
        ("sum_squares", 5, F.TYPE_DOUBLE, opt, None), ("bucket_limit", 6, F.TYPE_DOUBLE, rep, None),
        ("bucket", 7, F.TYPE_DOUBLE, rep, None))
    msg("Image", ("height", 1, F.TYPE_INT32, opt, None), ("width", 2, F.TYPE_INT32, opt, None),
        ("colorspace", 3, F.TYPE_INT32, opt, None), ("encoded_image_string", 4, F.TYPE_BYTES, opt, None))
    msg("PluginData", ("plugin_name", 1, F.TYPE_STRING, opt, None), ("content", 2, F.TYPE_BYTES, opt, None))
    msg("Metadata", ("plugin_data", 1, F.TYPE_MESSAGE, opt, ".tbtest.PluginData"))
    # field 77 stands for a field a newer writer added: readers must skip it
    msg("Value", ("tag", 1, F.TYPE_STRING, opt, None), ("simple_value", 2, F.TYPE_FLOAT, opt, None),
        ("image", 4, F.TYPE_MESSAGE, opt, ".tbtest.Image"), ("histo", 5, F.TYPE_MESSAGE, opt, ".tbtest.Histo"),
        ("tensor", 8, F.TYPE_MESSAGE, opt, ".tbtest.Tensor"), ("metadata", 9, F.TYPE_MESSAGE, opt, ".tbtest.Metadata"),
        ("newer_field", 77, F.TYPE_STRING, opt, None))
    msg("Summary", ("value", 1, F.TYPE_MESSAGE, rep, ".tbtest.Value"))
    msg("Event", ("wall_time", 1, F.TYPE_DOUBLE, opt, None), ("step", 2, F.TYPE_INT64, opt, None),
        ("file_version", 3, F.TYPE_STRING, opt, None), ("summary", 5, F.TYPE_MESSAGE, opt, ".tbtest.Summary"),
        ("newer_field", 99, F.TYPE_STRING, opt, None))
    m = msg("HparamsEntry", ("key", 1, F.TYPE_STRING, opt, None), ("value", 2, F.TYPE_MESSAGE, opt, ".google.protobuf.Value"))
    m.options.map_entry = True
    msg("SessionStartInfo", ("hparams", 1, F.TYPE_MESSAGE, rep, ".tbtest.HparamsEntry"),
        ("start_time_secs", 5, F.TYPE_DOUBLE, opt, None))
    msg("HParamsPluginData", ("version", 1, F.TYPE_INT32, opt, None),
        ("session_start_info", 3, F.TYPE_MESSAGE, opt, ".tbtest.SessionStartInfo"))
    # SessionStartInfo.hparams is a map: make the entry nested, as protoc does
    ss = [x for x in fd.message_type if x.name == "SessionStartInfo"][0]
    entry = [x for x in fd.message_type if x.name == "HparamsEntry"][0]
    ss.nested_type.add().CopyFrom(entry)
    ss.field[0].type_name = ".tbtest.SessionStartInfo.HparamsEntry"
    fd.message_type.remove(entry)
    return fd


pool = descriptor_pool.DescriptorPool()
pool.AddSerializedFile(descriptor_pb2.FileDescriptorProto.FromString(
    struct_pb2.DESCRIPTOR.serialized_pb).SerializeToString())
pool.Add(_file())
M = {n: message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("tbtest." + n))
     for n in ["Event", "Summary", "Value", "Tensor", "Histo", "Image", "HParamsPluginData", "PluginData", "Metadata"]}


def masked_crc(data):
    c = crc32c.crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xa282ead8) & 0xffffffff


def frame(data):
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc(header)) + data + struct.pack("<I", masked_crc(data))


def png(width, height, seed):
    rows = b"".join(b"\x00" + bytes(v for x in range(width)
                                    for v in ((x * 40 + y * 7 + seed) % 256, (x * 3 + seed) % 256, (y * 50) % 256))
                    for y in range(height))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def event(wall, step, *values):
    e = M["Event"](wall_time=wall, step=step, newer_field="ignored by readers")
    for v in values:
        e.summary.value.add().CopyFrom(v)
    return e.SerializeToString()


def meta(plugin, content=b""):
    return M["Metadata"](plugin_data=M["PluginData"](plugin_name=plugin, content=content))


def write(logdir):
    manifest = {"runs": {}}
    t0 = 1700000000.0
    for run, offset in (("run_a", 0.0), ("nested/run_b", 10.0)):
        d = os.path.join(logdir, run)
        os.makedirs(d, exist_ok=True)
        m = {"scalars": {}, "images": {}, "histograms": {}, "texts": {}, "params": {}}
        records = [M["Event"](wall_time=t0, file_version="brain.Event:2").SerializeToString()]
        hp = M["HParamsPluginData"](version=0)
        hp.session_start_info.hparams["lr"].number_value = 0.01 + offset
        hp.session_start_info.hparams["optimizer"].string_value = "adam"
        hp.session_start_info.hparams["nesterov"].bool_value = True
        records.append(event(t0, 0, M["Value"](tag="_hparams_/session_start_info",
                                               metadata=meta("hparams", hp.SerializeToString()))))
        m["params"] = {"lr": repr(0.01 + offset), "optimizer": "adam", "nesterov": "true"}
        for step in range(0, 20):
            wall = t0 + step * 0.5
            loss = 1.0 / (step + 1) + offset
            acc = step / 20.0
            # PyTorch's add_scalar: simple_value; TF2's tf.summary.scalar: a float tensor with the scalars plugin
            tensor = M["Tensor"](dtype=1, tensor_content=struct.pack("<f", acc))
            lr = M["Tensor"](dtype=2, double_val=[0.1 * 0.9 ** step])
            records.append(event(wall, step, M["Value"](tag="loss", simple_value=loss, newer_field="x"),
                                 M["Value"](tag="accuracy", tensor=tensor, metadata=meta("scalars")),
                                 M["Value"](tag="lr", tensor=lr, metadata=meta("scalars"))))
            m["scalars"].setdefault("loss", []).append([step, int(round(wall * 1000)), struct.unpack("<f", struct.pack("<f", loss))[0]])
            m["scalars"].setdefault("accuracy", []).append([step, int(round(wall * 1000)), struct.unpack("<f", struct.pack("<f", acc))[0]])
            m["scalars"].setdefault("lr", []).append([step, int(round(wall * 1000)), 0.1 * 0.9 ** step])
        for step in (0, 10):
            image = png(4, 3, step)
            records.append(event(t0 + step, step, M["Value"](tag="samples", image=M["Image"](
                height=3, width=4, colorspace=3, encoded_image_string=image))))
            m["images"].setdefault("samples", []).append([step, 4, 3, image.hex()])
            limits = [0.5 * (i + 1) + step for i in range(5)]
            counts = [float(i + step) for i in range(5)]
            records.append(event(t0 + step, step, M["Value"](tag="weights", histo=M["Histo"](
                min=step, max=2.5 + step, num=sum(counts), sum=12.5, sum_squares=40.0,
                bucket_limit=limits, bucket=counts))))
            m["histograms"].setdefault("weights", []).append([step, step, 2.5 + step, sum(counts), limits, counts])
            text = "step %d of %s: ünïcode" % (step, run)
            records.append(event(t0 + step, step, M["Value"](tag="notes", tensor=M["Tensor"](
                dtype=7, string_val=[text.encode("utf-8")]), metadata=meta("text"))))
            m["texts"].setdefault("notes", []).append([step, text])
        with open(os.path.join(d, "events.out.tfevents.%d.testhost.1.0" % t0), "wb") as f:
            for r in records:
                f.write(frame(r))
        manifest["runs"][run] = m
    print(json.dumps(manifest))


def read(path):
    out = {"files": 0, "records": 0, "scalars": {}, "images": {}, "histograms": {}, "texts": {}, "hparams": []}
    for root, _, files in os.walk(path):
        for name in sorted(files):
            if "tfevents" not in name:
                continue
            out["files"] += 1
            data = open(os.path.join(root, name), "rb").read()
            pos = 0
            while pos < len(data):
                header = data[pos:pos + 8]
                (length,) = struct.unpack("<Q", header)
                if struct.unpack("<I", data[pos + 8:pos + 12])[0] != masked_crc(header):
                    sys.exit("length CRC mismatch at %d in %s" % (pos, name))
                body = data[pos + 12:pos + 12 + length]
                if struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])[0] != masked_crc(body):
                    sys.exit("data CRC mismatch at %d in %s" % (pos, name))
                pos += 16 + length
                out["records"] += 1
                e = M["Event"].FromString(body)
                for v in e.summary.value:
                    if v.metadata.plugin_data.plugin_name == "hparams":
                        out["hparams"].append(v.tag)
                    elif v.HasField("image"):
                        out["images"].setdefault(v.tag, []).append([e.step, v.image.width, v.image.height,
                                                                    v.image.encoded_image_string.hex()])
                    elif v.HasField("histo"):
                        h = v.histo
                        out["histograms"].setdefault(v.tag, []).append([e.step, h.min, h.max, h.num,
                                                                        list(h.bucket_limit), list(h.bucket)])
                    elif v.HasField("tensor") and v.metadata.plugin_data.plugin_name == "text":
                        out["texts"].setdefault(v.tag, []).append([e.step, v.tensor.string_val[0].decode("utf-8")])
                    else:
                        out["scalars"].setdefault(v.tag, []).append([e.step, int(round(e.wall_time * 1000)), v.simple_value])
    print(json.dumps(out))


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](sys.argv[2])
