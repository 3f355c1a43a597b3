"""``webmap triage``: triage JSON lines, train the category model, score a labelled file.

``webmap triage --input IN --output OUT`` (or ``webmap triage run``) triages;
``webmap triage train`` retrains the category model from the shipped corpus
plus the operators' corrections; ``webmap triage evaluate LABELS.jsonl``
prints place and category scores for any labelled file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import click

from webmap.config import PROJECT_ROOT

DEMO_TOWN = PROJECT_ROOT / "data" / "demo-town"

_input = click.option(
    "--input", "input_", type=click.File("rb"), default="-", help="JSON lines {id, text, channel?}; stdin by default."
)
_output = click.option(
    "--output", type=click.File("w", encoding="utf-8"), default="-", help="JSON lines out; stdout by default."
)


def _run(input_: BinaryIO, output: TextIO) -> None:
    from geo.triage import run_jsonl
    from webmap.services.training import current_model
    from webmap.services.triage import current_index

    ok, bad = run_jsonl(input_, current_index(), output, sys.stderr, model=current_model())
    click.echo(f"triaged {ok}, bad lines {bad}", err=True)


@click.group("triage", invoke_without_command=True)
@_input
@_output
@click.pass_context
def triage_cli(ctx: click.Context, input_: BinaryIO, output: TextIO) -> None:
    """Place and classify messages (with no subcommand: one result line per input line, errors on stderr)."""
    if ctx.invoked_subcommand is None:
        _run(input_, output)


@triage_cli.command("run")
@_input
@_output
def triage_run(input_: BinaryIO, output: TextIO) -> None:
    """Place and classify messages: one result line per input line, errors on stderr."""
    _run(input_, output)


@triage_cli.command("train")
@click.option(
    "--output",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the model (default: WEBMAP_CATEGORY_MODEL, instance/category_model.joblib).",
)
@click.option("--if-missing", is_flag=True, help="Train only when no current model file exists (for set-up scripts).")
@click.option(
    "--cv", "folds", type=click.IntRange(0, 20), default=0, help="Also report k-fold cross-validated accuracy."
)
def triage_train(path: Path | None, if_missing: bool, folds: int) -> None:
    """Retrain the category model from the shipped corpus plus the operators' category corrections."""
    from geo.classifier import CORPUS_DIR, CorpusError, cross_validate, read_corpus
    from webmap.services.training import current_model, operator_examples, train_and_save

    if if_missing and path is None:
        model = current_model()  # loads the file when current, else trains and writes it
        click.echo(f"category model ready: {model.info.get('examples')} examples")
        return
    try:
        report = train_and_save(path)
    except CorpusError as exc:
        raise click.ClickException(f"corpus: {exc}") from exc
    for line in report.lines():
        click.echo(line)
    if folds >= 2:
        accuracy = cross_validate(read_corpus([CORPUS_DIR]) + operator_examples(), folds)
        click.echo(f"cross-validated accuracy ({folds} folds): {accuracy:.3f}")


@triage_cli.command("evaluate")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--town",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEMO_TOWN,
    show_default=True,
    help="The labelled town's GeoJSON directory (where the labels' streets and houses are).",
)
@click.option("--show-misses", is_flag=True, help="List each message whose place or category is wrong.")
def triage_evaluate(labels: Path, town: Path, show_misses: bool) -> None:
    """Triage the messages of LABELS.jsonl (labels.jsonl's format) and print place and category scores."""
    from geo.scoring import Town, score
    from geo.triage import triage
    from webmap.services.training import current_model
    from webmap.services.triage import current_index

    records = _read_labels(labels)
    index, model = current_index(), current_model()
    results = {str(r["id"]): triage(r["text"], index, r.get("channel"), model=model).record(r["id"]) for r in records}
    try:
        scored = score(records, results, Town(town))
    except KeyError as exc:
        raise click.ClickException(f"{labels.name}: a label names {exc} which {town} does not hold") from exc
    if show_misses:
        for lab, result, ok in scored.misses:
            got = result.get("category") if result else None
            click.echo(
                f"MISS {lab['id']}: place {'ok' if ok else 'WRONG'}, category {got}"
                f"{'' if got == lab['category'] else ' (labelled ' + lab['category'] + ')'} | {lab['text'][:90]}"
            )
    for line in scored.lines():
        click.echo(line)
    click.echo(json.dumps(scored.summary()))


def _read_labels(path: Path) -> list[dict[str, Any]]:
    """Label records, each checked: a bad line stops with its number (a score of half a file misleads)."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise click.ClickException(f"{path.name} line {number}: not JSON: {exc}") from exc
            if not (
                isinstance(obj, dict)
                and isinstance(obj.get("text"), str)
                and isinstance(obj.get("expect"), dict)
                and isinstance(obj["expect"].get("kind"), str)
                and isinstance(obj.get("category"), str)
                and isinstance(obj.get("id"), (str, int))
            ):
                raise click.ClickException(f"{path.name} line {number}: needs id, text, expect.kind and category")
            out.append(obj)
    if not out:
        raise click.ClickException(f"{path.name}: no labelled messages")
    return out
