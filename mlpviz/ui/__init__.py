"""The desktop application (PySide6 + pyqtgraph). Imports Qt; the engine and
data packages never import this one."""
