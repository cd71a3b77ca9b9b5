package dev.lethe.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A dimension's value that a spreadsheet would run as a formula is exported as text. */
class SpreadsheetSafeTests {

  @Test
  void formulasBecomeTextAndNumbersAndBandsStayAsTheyAre() {
    assertThat(StatisticsExport.spreadsheetSafe("=HYPERLINK(\"http://evil.example\",\"open\")"))
        .isEqualTo("'=HYPERLINK(\"http://evil.example\",\"open\")");
    assertThat(StatisticsExport.spreadsheetSafe("+1+1")).isEqualTo("'+1+1");
    assertThat(StatisticsExport.spreadsheetSafe("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(StatisticsExport.spreadsheetSafe("-cmd")).isEqualTo("'-cmd");
    assertThat(StatisticsExport.spreadsheetSafe("\tx")).isEqualTo("'\tx");
    assertThat(StatisticsExport.spreadsheetSafe("-2+3+cmd|' /C calc'!A0"))
        .isEqualTo("'-2+3+cmd|' /C calc'!A0");
    assertThat(StatisticsExport.spreadsheetSafe("-1+1")).isEqualTo("'-1+1");
    assertThat(StatisticsExport.spreadsheetSafe("-5")).isEqualTo("-5");
    assertThat(StatisticsExport.spreadsheetSafe("-2.5")).isEqualTo("-2.5");
    assertThat(StatisticsExport.spreadsheetSafe("-10--1")).isEqualTo("-10--1");
    assertThat(StatisticsExport.spreadsheetSafe("30-39")).isEqualTo("30-39");
    assertThat(StatisticsExport.spreadsheetSafe("BE")).isEqualTo("BE");
    assertThat(StatisticsExport.spreadsheetSafe("")).isEmpty();
  }
}
