"""The file kinds budgetxl reads and the one wording for those it does not (a leaf module: readers
and the input dispatcher both use it)."""

SAVE_AS_XLSX = "请在 Excel/WPS/LibreOffice 中另存为 .xlsx"
# spreadsheet formats a unit may return that budgetxl does not read: the template's fingerprint,
# its formulas and its protection live in the .xlsx package, and a conversion by the unit's own
# program is the sound way back (it keeps them); reading only the values would check a copy
# whose formulas nobody can see
OTHER_SPREADSHEETS = {".xls": "Excel 97-2003 工作簿", ".ods": "OpenDocument 表格（LibreOffice 默认格式）",
                      ".fods": "OpenDocument 表格", ".et": "WPS 表格", ".ett": "WPS 表格模板",
                      ".xlsb": "Excel 二进制工作簿", ".xltx": "Excel 模板", ".xltm": "Excel 模板",
                      ".numbers": "Numbers 表格"}
SUPPORTED = "支持 .xlsx 填报模板、.csv 数据文件、.txt 公开文本、.pdf/.docx 公开文件"


# other spreadsheet formats read as published (official-layout) workbooks by check and import: the
# values are all a published table has (calamine reads them; sheetscan their error cells)
PUBLISHED_SPREADSHEETS = (".xls", ".ods")
