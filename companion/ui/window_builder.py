"""The window's widgets and their layout, made in one place and handed out as :class:`Parts`.

Nothing here reacts to anything: the controllers and the window connect the parts. Left, the
picture (video or clock) above the timeline, the editing strip and the transport bar; right, the
Now panel above the browser; the status bar holds the job bar, the legend and the mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from companion.ui import style
from companion.ui.browse import BrowsePane
from companion.ui.jobs import JobBar
from companion.ui.now_panel import NowPanel
from companion.ui.timeline import TimelineWidget
from companion.ui.transport import TransportBar
from companion.ui.video_pane import NoticeBar, VideoPane


@dataclass
class Parts:
    video: VideoPane
    notice: NoticeBar
    timeline: TimelineWidget
    transport: TransportBar
    controls: QWidget  # timeline + editing strip + transport: what hides in fullscreen
    editing_slot: QVBoxLayout
    now_panel: NowPanel
    browse: BrowsePane
    sidebar: QSplitter
    splitter: QSplitter
    mode_label: QLabel
    job_bar: JobBar


def legend() -> QLabel:
    """What the timeline's colours mean, always in view in the status bar."""
    entries = [*style.ORIGIN_COLOURS.items(), *style.KIND_COLOURS.items()]
    label = QLabel(
        "&nbsp;&nbsp;".join(
            f'<span style="color:{colour}">■</span>&nbsp;{name}' for name, colour in entries
        )
    )
    label.setToolTip(
        "Segment timings: "
        + "; ".join(f"{k}: {v}" for k, v in style.ORIGIN_HINTS.items())
        + ". Notes: trivia and corrections."
    )
    label.setContentsMargins(0, 0, 16, 0)
    return label


def _column(*widgets: QWidget) -> tuple[QWidget, QVBoxLayout]:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    for widget in widgets:
        layout.addWidget(widget)
    return holder, layout


def build_parts(window: QMainWindow, speaker: str) -> Parts:
    """Make every widget and lay them out in ``window``."""
    video, notice = VideoPane(), NoticeBar()
    timeline, transport = TimelineWidget(), TransportBar()
    controls, controls_layout = _column(timeline)
    editing_slot = QVBoxLayout()
    editing_slot.setContentsMargins(0, 0, 0, 0)
    controls_layout.addLayout(editing_slot)
    controls_layout.addWidget(transport)
    video_column, column = _column(notice, video, controls)
    column.setStretchFactor(video, 1)

    now_panel, browse = NowPanel(speaker), BrowsePane()
    sidebar = QSplitter(Qt.Orientation.Vertical)
    sidebar.setObjectName("sidebar")
    sidebar.addWidget(now_panel)
    sidebar.addWidget(browse)
    sidebar.setStretchFactor(0, 3)
    sidebar.setStretchFactor(1, 2)
    sidebar.setSizes([520, 340])

    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(video_column)
    splitter.addWidget(sidebar)
    splitter.setStretchFactor(0, 1)
    splitter.setStretchFactor(1, 0)
    splitter.setSizes([1000, 440])
    splitter.setChildrenCollapsible(False)
    window.setCentralWidget(splitter)

    mode_label, job_bar = QLabel(), JobBar()
    window.statusBar().addPermanentWidget(job_bar)
    window.statusBar().addPermanentWidget(legend())
    window.statusBar().addPermanentWidget(mode_label)
    return Parts(
        video, notice, timeline, transport, controls, editing_slot,
        now_panel, browse, sidebar, splitter, mode_label, job_bar,
    )  # fmt: skip
