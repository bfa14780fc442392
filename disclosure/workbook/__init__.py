"""The disclosure workbook: table builders per format (``registry``), the data they read
(``data``), and the sheet writer (``writer``)."""
