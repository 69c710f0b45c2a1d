#!/usr/bin/env python3
"""Checks a `cairn export RUN --format tensorboard --out DIR` directory with TensorBoard itself.

Needs the real `tensorboard` Python package (pip install tensorboard); Cairn's own tests use an
independent writer/reader instead, since TensorBoard is not installed where they run.

    python3 tools/tb-verify/verify_tb.py DIR '{"scalars": {"train/loss": 120}, "images": {"samples": 3},
        "histograms": {"weights/fc1": 5}, "text": {"notes": 1}, "hparams": ["optimizer.lr", "batch"]}'

Prints, per kind and tag, how many entries TensorBoard's EventAccumulator loaded (and the hparams
names of session_start_info), as JSON; exits 1 when an expectation does not hold (every tag named
must have exactly that count; every hparam named must be present), 2 on bad arguments.
"""
import json
import sys


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    logdir = argv[1]
    try:
        expected = json.loads(argv[2]) if len(argv) == 3 else {}
    except json.JSONDecodeError as e:
        print("error: expectations are not JSON: %s" % e, file=sys.stderr)
        return 2
    from tensorboard.backend.event_processing import event_accumulator as ea
    from tensorboard.plugins.hparams import plugin_data_pb2

    acc = ea.EventAccumulator(logdir, size_guidance={ea.SCALARS: 0, ea.IMAGES: 0, ea.HISTOGRAMS: 0,
                                                     ea.TENSORS: 0, ea.COMPRESSED_HISTOGRAMS: 0})
    acc.Reload()
    tags = acc.Tags()
    found = {
        "scalars": {t: len(acc.Scalars(t)) for t in tags.get("scalars", [])},
        "images": {t: len(acc.Images(t)) for t in tags.get("images", [])},
        "histograms": {t: len(acc.Histograms(t)) for t in tags.get("histograms", [])},
        "text": {},
        "hparams": [],
    }
    for tag in tags.get("tensors", []):
        meta = acc.SummaryMetadata(tag)
        if meta.plugin_data.plugin_name == "text":
            found["text"][tag] = len(acc.Tensors(tag))
    try:
        hparams = acc.PluginTagToContent("hparams")
    except KeyError:  # no hparams in the directory
        hparams = {}
    for tag, content in hparams.items():
        data = plugin_data_pb2.HParamsPluginData.FromString(content)
        if data.HasField("session_start_info"):
            found["hparams"] = sorted(data.session_start_info.hparams.keys())
    print(json.dumps(found, indent=1, sort_keys=True))

    problems = []
    for kind in ("scalars", "images", "histograms", "text"):
        for tag, count in expected.get(kind, {}).items():
            got = found[kind].get(tag, 0)
            if got != count:
                problems.append("%s '%s': expected %d, TensorBoard read %d" % (kind, tag, count, got))
    for name in expected.get("hparams", []):
        if name not in found["hparams"]:
            problems.append("hparam '%s' missing (TensorBoard read %s)" % (name, found["hparams"]))
    for p in problems:
        print("MISMATCH " + p, file=sys.stderr)
    print("OK" if not problems else "%d mismatch(es)" % len(problems), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
