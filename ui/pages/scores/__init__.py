"""The scoring pages: 月点评 monthly review (`monthly.MonthlyPage`) and 季考核 quarterly assessment
(`quarterly.QuarterlyPage`), sharing `page.ScoresPage` (period, status, rankings per kind with bars,
explanation, publish and reopen)."""
