"""Play/pause, skips, the seek slider with time/duration, volume, mute, rate and "go to time".

The bar only emits what the viewer asked for; the window applies it to whichever player is live,
so the same bar drives the VLC pane and the second-screen clock.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QStyle,
    QToolButton,
    QWidget,
)

from companion.player.base import PlayerState
from companion.ui.style import hms

RATES = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
SLIDER_STEPS_PER_S = 1  # finer than its pixels anyway; a coarser value repaints it less


class TransportBar(QFrame):
    toggle_requested = Signal()
    seek_requested = Signal(float)
    skip_requested = Signal(float)
    volume_requested = Signal(int)
    mute_requested = Signal(bool)
    rate_requested = Signal(float)
    goto_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transport")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(4)
        icons = self.style()

        self.play_button = self._button(icons.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setToolTip("Play / pause (Space)")
        self.play_button.clicked.connect(self.toggle_requested)
        layout.addWidget(self.play_button)
        for seconds, label, keys in (
            (-30, "−30", "Ctrl+←"),
            (-5, "−5", "←"),
            (5, "+5", "→"),
            (30, "+30", "Ctrl+→"),
        ):
            button = self._button(None, label)
            button.setToolTip(f"{'Back' if seconds < 0 else 'Forward'} {abs(seconds)} s ({keys})")
            button.clicked.connect(lambda _=False, s=seconds: self.skip_requested.emit(float(s)))
            layout.addWidget(button)

        self.time_label = QLabel("0:00:00")
        self.time_label.setMinimumWidth(56)
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addSpacing(6)
        layout.addWidget(self.time_label)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Seek (drag to scrub)")
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.sliderMoved.connect(self._slider_moved)
        self.slider.actionTriggered.connect(self._slider_action)
        layout.addWidget(self.slider, 1)
        self.duration_label = QLabel("0:00:00")
        self.duration_label.setObjectName("muted")
        layout.addWidget(self.duration_label)
        layout.addSpacing(8)

        self.goto = QLineEdit()
        self.goto.setPlaceholderText("Go to 1:02:03")
        self.goto.setToolTip("Type the time shown on your TV and press Enter (Ctrl+G)")
        self.goto.setFixedWidth(110)
        self.goto.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Space must not land here by chance
        self.goto.returnPressed.connect(self._goto)
        layout.addWidget(self.goto)

        self.rate = QComboBox()
        self.rate.setToolTip("Playback speed ([ and ])")
        self.rate.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for rate in RATES:
            self.rate.addItem(f"{rate:g}×", rate)
        self.rate.setCurrentIndex(RATES.index(1.0))
        self.rate.activated.connect(lambda i: self.rate_requested.emit(RATES[i]))
        layout.addWidget(self.rate)

        self.mute_button = self._button(icons.standardIcon(QStyle.StandardPixmap.SP_MediaVolume))
        self.mute_button.setCheckable(True)
        self.mute_button.setToolTip("Mute (M)")
        self.mute_button.toggled.connect(self._mute_toggled)
        layout.addWidget(self.mute_button)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 125)
        self.volume.setValue(100)
        self.volume.setFixedWidth(90)
        self.volume.setToolTip("Volume (↑/↓)")
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume.valueChanged.connect(self.volume_requested)
        layout.addWidget(self.volume)

    def _button(self, icon, text: str = "") -> QToolButton:
        button = QToolButton()
        if icon is not None:
            button.setIcon(icon)
        if text:
            button.setText(text)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumWidth(34)
        return button

    def _slider_moved(self, value: int) -> None:
        self.seek_requested.emit(value / SLIDER_STEPS_PER_S)

    def _slider_action(self, _action: int) -> None:
        """Page clicks on the groove seek too (dragging is handled by sliderMoved)."""
        if not self.slider.isSliderDown():
            self.seek_requested.emit(self.slider.sliderPosition() / SLIDER_STEPS_PER_S)

    def _mute_toggled(self, muted: bool) -> None:
        self._mute_icon(muted)
        self.mute_requested.emit(muted)

    def _goto(self) -> None:
        self.goto_requested.emit(self.goto.text())

    # --- shown state (never re-emits) -------------------------------------------------------

    def show_position(self, t: float) -> None:
        if not self.slider.isSliderDown():
            self.slider.blockSignals(True)
            self.slider.setValue(round(t * SLIDER_STEPS_PER_S))
            self.slider.blockSignals(False)
        text = hms(t)
        if text != self.time_label.text():
            self.time_label.setText(text)

    def show_duration(self, seconds: float) -> None:
        self.slider.setRange(0, round(seconds * SLIDER_STEPS_PER_S))
        self.slider.setPageStep(30 * SLIDER_STEPS_PER_S)
        self.duration_label.setText(hms(seconds))

    def show_state(self, state: PlayerState) -> None:
        icon = (
            QStyle.StandardPixmap.SP_MediaPause
            if state is PlayerState.PLAYING
            else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(icon))

    def show_sound(self, volume: int, muted: bool) -> None:
        self.volume.blockSignals(True)
        self.volume.setValue(volume)
        self.volume.blockSignals(False)
        self.mute_button.blockSignals(True)
        self.mute_button.setChecked(muted)
        self.mute_button.blockSignals(False)
        self._mute_icon(muted)

    def _mute_icon(self, muted: bool) -> None:
        icon = (
            QStyle.StandardPixmap.SP_MediaVolumeMuted
            if muted
            else QStyle.StandardPixmap.SP_MediaVolume
        )
        self.mute_button.setIcon(self.style().standardIcon(icon))

    def show_rate(self, rate: float) -> None:
        closest = min(range(len(RATES)), key=lambda i: abs(RATES[i] - rate))
        self.rate.setCurrentIndex(closest)
