"""Adding articles: draft and add-article."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.base import cli, read_settings


def _reference():
    from app.reference.catalog import read_reference
    from app.reference.errors import MappingError

    try:
        return read_reference(read_settings().seeds_dir)
    except MappingError as exc:
        raise click.ClickException(f"{exc.path}: " + "; ".join(exc.problems)) from None


def _draft_inputs(page: Path) -> tuple[bytes, object]:
    try:
        data = page.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{page}: cannot read: {exc.strerror or exc}") from None
    return data, _reference()


def _review_lines(draft) -> list[str]:
    m = draft.mapping
    kinds = [(k, len(m.get(k, []))) for k in ("figures", "funding", "statements", "left_out")]
    lines = ["Drafted: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in kinds) + "."]
    for fig in m.get("figures", []):
        lines.append(f"  figure {fig['key']}: {fig['indicator']} = {fig['value']} ({fig['confidence']})")
    for item in m.get("left_out", []):
        lines.append(f"  left out {item['quote']!r}: {item['reason']}")
    if draft.reviews:
        lines.append("Needs review:")
        lines += [f"  {r}" for r in draft.reviews]
    else:
        lines.append("Needs review: nothing flagged; still read every fact before marking it reviewed.")
    return lines


def _one_url(pages: tuple[Path, ...], url: str | None, out: Path | None = None) -> None:
    if url and (len(pages) > 1 or out is not None):
        raise click.UsageError("--url names the address of one page; give one page with it, without --out")


def _batch_result(report) -> None:
    """The summary of a run over many pages; a non-zero exit when a page failed."""
    for line in report.summary():
        click.echo(line)
    if report.failed:
        raise click.exceptions.Exit(1)


@cli.command("draft")
@click.argument("pages", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="Address the page was saved from (one page only).")
@click.option("--published", default=None, help="Publication date the page does not print (2024-02-27).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each draft to DIR/<page name>.yaml (needed for more than one page) and summarise.",
)
def draft_command(pages: tuple[Path, ...], url: str | None, published: str | None, out: Path | None) -> None:
    """Print the drafted mapping of a text or saved HTML page; store nothing in the seeds.

    With --out, draft many pages into a directory, with progress (a bar on a terminal, a line
    every few seconds otherwise) and a summary of the drafts added, changed and skipped.

    Example: povertydb draft ~/pages/bac-kan.html
    """
    from app.draft.store import AddError, operator_date, prepare

    _one_url(pages, url, out)
    day = operator_date(published) if published else None
    if out is not None or len(pages) > 1:
        if out is None:
            raise click.UsageError("more than one page: give --out DIR for the drafts")
        from app.draft.batch import draft_many
        from app.progress import for_stream

        _batch_result(draft_many(list(pages), out, _reference(), for_stream(), published=day))
        return
    page = pages[0]
    data, ref = _draft_inputs(page)
    try:
        _, draft, _ = prepare(data, ref, url=url, published=day)
    except AddError as exc:
        raise click.ClickException(f"{page}: {exc}") from None
    click.echo(draft.to_yaml(), nl=False)
    for line in _review_lines(draft):
        click.echo(line, err=True)


@cli.command("add-article")
@click.argument("pages", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="Address the page was saved from (one page only).")
@click.option("--published", default=None, help="Publication date the page does not print (2024-02-27).")
def add_article_command(pages: tuple[Path, ...], url: str | None, published: str | None) -> None:
    """Store text or saved HTML pages under seeds/articles, each with a drafted, checked mapping.

    The text is stored as NNN_<first 16 hex of its SHA-256>.txt (UTF-8, NFC) and the draft
    beside it as .yaml, marked `reviewed: false`. Nothing is stored for a page that is binary,
    empty, has no article, is not UTF-8 or a declared charset, or was added before. Given many
    pages, it shows progress and ends with the pages added, skipped and failed.

    Example: povertydb add-article ~/pages/bac-kan.html --url https://example.vn/bac-kan.html
    """
    from app.draft.store import AddError, add_article, operator_date

    _one_url(pages, url)
    day = operator_date(published) if published else None
    articles = read_settings().seeds_dir / "articles"
    if len(pages) > 1:
        from app.draft.batch import add_many
        from app.progress import for_stream

        _batch_result(add_many(list(pages), articles, _reference(), for_stream(), published=day))
        click.echo("Next: povertydb load-seeds, then review the mappings and set `reviewed: true`.")
        return
    page = pages[0]
    data, ref = _draft_inputs(page)
    try:
        added = add_article(data, articles, ref, url=url, published=day)
    except AddError as exc:
        raise click.ClickException(f"{page}: {exc}") from None
    click.echo(f"Added {added.text_path} and {added.mapping_path.name}; the draft passes the checks.")
    for line in _review_lines(added.draft):
        click.echo(line)
    click.echo("Next: povertydb load-seeds, then review the mapping and set `reviewed: true`.")
