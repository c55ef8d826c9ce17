"""Adding articles: draft and add-article."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.base import cli, read_settings


def _draft_inputs(page: Path) -> tuple[bytes, object]:
    from app.reference.catalog import read_reference
    from app.reference.errors import MappingError

    try:
        data = page.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{page}: cannot read: {exc.strerror or exc}") from None
    try:
        return data, read_reference(read_settings().seeds_dir)
    except MappingError as exc:
        raise click.ClickException(f"{exc.path}: " + "; ".join(exc.problems)) from None


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


@cli.command("draft")
@click.argument("page", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="Address the page was saved from.")
@click.option("--published", default=None, help="Publication date the page does not print (2024-02-27).")
def draft_command(page: Path, url: str | None, published: str | None) -> None:
    """Print the drafted mapping of a text or saved HTML page; store nothing.

    Example: povertydb draft ~/pages/bac-kan.html
    """
    from app.draft.store import AddError, operator_date, prepare

    data, ref = _draft_inputs(page)
    try:
        _, draft, _ = prepare(data, ref, url=url, published=operator_date(published) if published else None)
    except AddError as exc:
        raise click.ClickException(f"{page}: {exc}") from None
    click.echo(draft.to_yaml(), nl=False)
    for line in _review_lines(draft):
        click.echo(line, err=True)


@cli.command("add-article")
@click.argument("page", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="Address the page was saved from.")
@click.option("--published", default=None, help="Publication date the page does not print (2024-02-27).")
def add_article_command(page: Path, url: str | None, published: str | None) -> None:
    """Store a text or saved HTML page under seeds/articles with a drafted, checked mapping.

    The text is stored as NNN_<first 16 hex of its SHA-256>.txt (UTF-8, NFC) and the draft
    beside it as .yaml, marked `reviewed: false`. Nothing is stored if the page is binary,
    empty, has no article, is not UTF-8 or a declared charset, or was added before.

    Example: povertydb add-article ~/pages/bac-kan.html --url https://example.vn/bac-kan.html
    """
    from app.draft.store import AddError, add_article, operator_date

    data, ref = _draft_inputs(page)
    try:
        added = add_article(
            data,
            read_settings().seeds_dir / "articles",
            ref,
            url=url,
            published=operator_date(published) if published else None,
        )
    except AddError as exc:
        raise click.ClickException(f"{page}: {exc}") from None
    click.echo(f"Added {added.text_path} and {added.mapping_path.name}; the draft passes the checks.")
    for line in _review_lines(added.draft):
        click.echo(line)
    click.echo("Next: povertydb load-seeds, then review the mapping and set `reviewed: true`.")
