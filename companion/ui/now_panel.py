"""The panel beside the video: what the director says about the scene on screen, and its cards.

It is rebuilt only when the active set changes (the follower tells it), so its cost while the film
plays is nil. The director's words and the film's own dialogue quoted in the transcript are told
apart at a glance: dialogue is italic, coloured and carries its speaker.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from companion.model import Note, Segment
from companion.timing.timeline_index import MAX_CARDS, Active
from companion.ui import style
from companion.ui.content import first_words
from companion.ui.style import hms


def segment_html(segment: Segment) -> str:
    """Rich text of a segment: commentary plain, dialogue italic with speaker, cues dimmed."""
    text = segment.text
    parts: list[str] = []
    pos = 0
    for span in sorted(segment.spans, key=lambda s: s.start):
        if span.start > pos:
            parts.append(escape(text[pos : span.start]))
        chunk = escape(text[span.start : span.end])
        if span.kind == "dialogue":
            parts.append(dialogue_html(text[span.start : span.end], span.speaker))
        elif span.kind == "cue":
            parts.append(f'<span style="color:{style.CUE}; font-size:small">{chunk}</span>')
        else:
            parts.append(chunk)
        pos = max(pos, span.end)
    parts.append(escape(text[pos:]))
    return "".join(parts)


def dialogue_html(line: str, speaker: str | None) -> str:
    """A film line quoted in the commentary, italic and coloured, led by its speaker's name.

    The transcript often keeps the label in the line itself ("ULTRON: Why…"); it is then styled
    as the label rather than repeated.
    """
    label = speaker or ""
    stripped = line.lstrip()
    if label and stripped.upper().startswith(label.upper()):
        line = stripped[len(label) :].lstrip(" :")
    speaker_html = (
        f'<span style="font-style:normal; font-size:small; font-weight:600">{escape(label)}</span> '
        if label
        else ""
    )
    italic = f'<span style="color:{style.DIALOGUE}; font-style:italic">'
    return f"{italic}{speaker_html}{escape(line)}</span>"


def badge_html(label: str, colour: str) -> str:
    return (
        f'<span style="background:{colour}; color:#111; font-size:small; font-weight:700">'
        f"&nbsp;{escape(label.upper())}&nbsp;</span>"
    )


def pin_badge(segment: Segment) -> str:
    """Which edge the viewer fixed by hand, when the origin badge alone does not say it."""
    if segment.origin == "pinned" or not segment.pinned:
        return ""
    edges = {(True, False): "start pinned", (False, True): "end pinned", (True, True): "pinned"}
    label = edges[(segment.start_pinned, segment.end_pinned)]
    return "&nbsp;" + badge_html(label, style.ORIGIN_COLOURS["pinned"])


def _label(html: str, object_name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(html)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.LinksAccessibleByMouse
    )
    label.setOpenExternalLinks(True)
    if object_name:
        label.setObjectName(object_name)
    return label


def note_card(note: Note) -> QFrame:
    """A trivia or correction card; a correction leads with the claim, its verdict and the truth."""
    card = QFrame()
    card.setObjectName("card")
    colour = style.KIND_COLOURS.get(note.kind, style.MUTED)
    card.setStyleSheet(f"QFrame#card {{ border-left: 4px solid {colour}; }}")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(12, 10, 12, 10)
    layout.setSpacing(6)
    header = (
        f'<span style="color:{colour}; font-size:small; font-weight:700">{note.kind.upper()}</span>'
    )
    if note.verdict:
        verdict_colour = style.VERDICT_COLOURS.get(note.verdict, style.MUTED)
        header += "&nbsp;&nbsp;" + badge_html(note.verdict, verdict_colour)
    layout.addWidget(_label(header))
    layout.addWidget(_label(f"<b>{escape(note.title)}</b>"))
    if note.claim:
        layout.addWidget(
            _label(f'<span style="color:{style.MUTED}">Claim:</span> <i>“{escape(note.claim)}”</i>')
        )
    if note.truth:
        layout.addWidget(
            _label(f'<span style="color:{style.MUTED}">What is true:</span> {escape(note.truth)}')
        )
    if note.body and note.body != note.truth:
        layout.addWidget(_label(escape(note.body)))
    if note.sources:
        links = ", ".join(
            f'<a style="color:{style.ACCENT}" href="{escape(s.url)}">{escape(s.name)}</a>'
            if s.url
            else escape(s.name)
            for s in note.sources
        )
        layout.addWidget(
            _label(f'<span style="color:{style.MUTED}; font-size:small">Source: {links}</span>')
        )
    return card


def clear_layout(layout: QVBoxLayout) -> None:
    """Remove and delete every widget of ``layout``."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()  # deleteLater alone leaves it drawn until the loop turns
            widget.deleteLater()


class NowPanel(QWidget):
    """Header (timecode + origin badge + confidence), the segment text, the cards, "coming up"."""

    def __init__(self, speaker: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.speaker = speaker
        self.active: Active | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self._body = QVBoxLayout(body)
        self._body.setContentsMargins(16, 14, 16, 14)
        self._body.setSpacing(10)

        self.header = _label("", wrap=False)
        self.text = _label("")
        self.text.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        font = self.text.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.text.setFont(font)
        self.cards = QVBoxLayout()
        self.cards.setSpacing(8)
        self._body.addWidget(self.header)
        self._body.addWidget(self.text)
        self._body.addLayout(self.cards)
        self._body.addStretch(1)
        self._scroll.setWidget(body)
        outer.addWidget(self._scroll, 1)

        self.coming_up = _label("", "muted")
        footer = QFrame()
        footer.setObjectName("transport")
        footer_layout = QHBoxLayout(footer)
        footer_layout.setContentsMargins(16, 8, 16, 8)
        footer_layout.addWidget(self.coming_up)
        outer.addWidget(footer)

    def show_active(self, active: Active) -> None:
        self.active = active
        self._show_segment(active.segment)
        self._show_cards(active.notes)
        self._show_coming_up(active)
        self._scroll.verticalScrollBar().setValue(0)

    def _show_segment(self, segment: Segment | None) -> None:
        if segment is None:
            who = self.speaker or "The commentary"
            self.header.setText(f'<span style="color:{style.MUTED}; font-size:small">—</span>')
            self.header.setToolTip("")
            self.text.setText(
                f'<span style="color:{style.MUTED}">{escape(who)} is quiet here.</span>'
            )
            return
        colour = style.ORIGIN_COLOURS.get(segment.origin, style.MUTED)
        self.header.setText(
            f'<span style="font-size:small; color:{style.MUTED}">#{segment.n}&nbsp;&nbsp;'
            f"{hms(segment.start_s)} – {hms(segment.end_s)}</span>"
            f"&nbsp;&nbsp;{badge_html(segment.origin, colour)}{pin_badge(segment)}&nbsp;&nbsp;"
            f'<span style="font-size:small; color:{style.MUTED}">'
            f"{round(segment.confidence * 100)}% sure</span>"
        )
        self.header.setToolTip(style.ORIGIN_HINTS.get(segment.origin, segment.origin))
        self.text.setText(segment_html(segment))

    def _show_cards(self, notes: tuple[Note, ...]) -> None:
        clear_layout(self.cards)
        for note in notes[:MAX_CARDS]:  # the core ends cards early to keep to this
            self.cards.addWidget(note_card(note))

    def _show_coming_up(self, active: Active) -> None:
        lines = []
        upcoming = active.next_segment
        if upcoming is not None:
            lines.append(
                f"<b>Coming up</b> at {hms(upcoming.start_s)} · "
                f"<i>{escape(first_words(upcoming.text, 7))}</i>"
            )
        else:
            lines.append("<b>Coming up:</b> nothing more in this commentary.")
        card = active.next_note
        if card is not None and card.start_s is not None:
            colour = style.KIND_COLOURS.get(card.kind, style.MUTED)
            lines.append(
                f"<b>Next card</b> at {hms(card.start_s)} · "
                f'<span style="color:{colour}">{card.kind}</span>: {escape(card.title)}'
            )
        self.coming_up.setText("<br>".join(lines))
