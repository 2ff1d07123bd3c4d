"""A job's service sheet (服务报告单): the customer signs on site, the PDF never changes."""
