"""The numbers of calibration: ratings tables (and their builders), agreement (kappa, alpha,
AC1 with intervals), accuracy, confidence calibration and item analysis; numpy only."""
