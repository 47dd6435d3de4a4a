// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Dividend information
/// @notice One dividend per security (ISIN) and record date: ex-date, payment date, amount per
/// share (units of 10^-DECIMALS of its currency) and status. For Tokyo securities the ex-date is
/// the XTKS business day before the record date, checked against the MarketCalendar. Every change
/// is a new version with an event; the replaced values stay in the earlier events.
/// Ownership: a dividend belongs to the institution (LEI) whose data provider first recorded it;
/// only that institution, through any of its operator keys, changes it. Correction on its behalf
/// by platform governance is left to the governance contract (next issue); until then no other
/// account, the platform operator included, can change a dividend. Versions are 64-bit: they do
/// not run out.
interface IDividendRegistry {
    /// @notice Where a dividend stands. Forecast -> Declared -> Paid; Forecast or Declared ->
    /// Cancelled. Figures may be revised in any state but Cancelled; a Declared or Paid
    /// dividend's figures change only with a reason (a correction).
    enum Status {
        None,
        Forecast,
        Declared,
        Paid,
        Cancelled
    }

    /// @notice A dividend as a data provider records it.
    struct DividendInput {
        bytes12 isin;
        uint32 recordDate;
        uint32 exDate;
        uint32 paymentDate;
        uint128 amountPerShare;
        bytes3 currency;
        Status status;
        string reason;
    }

    /// @notice A dividend as stored (three slots); `publisher` is the institution that recorded
    /// it first, the only one that changes it.
    struct Dividend {
        bytes12 isin;
        uint32 recordDate;
        uint32 exDate;
        uint32 paymentDate;
        bytes3 currency;
        Status status;
        uint64 version;
        uint128 amountPerShare;
        bytes20 publisher;
    }

    /// @notice A record date that is not a real calendar date from 1970-02-01 on.
    /// @param isin The security.
    /// @param recordDate The record date given (yyyymmdd).
    error DividendRegistryInvalidRecordDate(bytes12 isin, uint32 recordDate);
    /// @notice An ex-date that is not a real calendar date from 1970-02-01 on.
    /// @param isin The security.
    /// @param recordDate The record date (yyyymmdd).
    /// @param exDate The ex-date given.
    error DividendRegistryInvalidExDate(bytes12 isin, uint32 recordDate, uint32 exDate);
    /// @notice A payment date that is not a real calendar date from 1970-02-01 on.
    /// @param isin The security.
    /// @param recordDate The record date (yyyymmdd).
    /// @param paymentDate The payment date given.
    error DividendRegistryInvalidPaymentDate(bytes12 isin, uint32 recordDate, uint32 paymentDate);
    /// @notice The dates are out of order: the ex-date must not be after the record date, nor the
    /// payment date before it.
    /// @param isin The security.
    /// @param recordDate The record date (yyyymmdd).
    /// @param exDate The ex-date given.
    /// @param paymentDate The payment date given.
    error DividendRegistryDateOrder(bytes12 isin, uint32 recordDate, uint32 exDate, uint32 paymentDate);
    /// @notice A Tokyo security's ex-date is not the XTKS business day before its record date.
    /// @param isin The security.
    /// @param recordDate The record date (yyyymmdd).
    /// @param exDate The ex-date given.
    /// @param expected The ex-date by the XTKS calendar.
    error DividendRegistryExDateMismatch(bytes12 isin, uint32 recordDate, uint32 exDate, uint32 expected);
    /// @notice No XTKS business day lies within MAX_LOOKBACK_DAYS before a Tokyo security's record
    /// date, so its ex-date cannot be checked.
    /// @param isin The security.
    /// @param recordDate The record date (yyyymmdd).
    error DividendRegistryNoBusinessDayBefore(bytes12 isin, uint32 recordDate);
    /// @notice A dividend without a status (Status.None).
    /// @param isin The security.
    /// @param recordDate The record date (yyyymmdd).
    error DividendRegistryStatusMissing(bytes12 isin, uint32 recordDate);
    /// @notice A dividend without its currency (ISO 4217, ASCII).
    /// @param isin The security.
    /// @param recordDate The record date (yyyymmdd).
    /// @param currency The currency given (zero).
    error DividendRegistryInvalidCurrency(bytes12 isin, uint32 recordDate, bytes3 currency);
    /// @notice A dividend of zero that is not cancelled.
    /// @param isin The security.
    /// @param recordDate The record date (yyyymmdd).
    /// @param status The status given.
    error DividendRegistryZeroAmount(bytes12 isin, uint32 recordDate, Status status);
    /// @notice A change of status the lifecycle does not allow (see {Status}).
    /// @param isin The security.
    /// @param recordDate The record date (yyyymmdd).
    /// @param from The stored status.
    /// @param to The status given.
    error DividendRegistryInvalidTransition(bytes12 isin, uint32 recordDate, Status from, Status to);
    /// @notice A change of a declared or paid dividend's figures without a reason.
    /// @param isin The security.
    /// @param recordDate The record date (yyyymmdd).
    error DividendRegistryReasonRequired(bytes12 isin, uint32 recordDate);
    /// @notice No dividend is recorded for the security and record date.
    /// @param isin The security.
    /// @param recordDate The record date (yyyymmdd).
    error DividendRegistryUnknownDividend(bytes12 isin, uint32 recordDate);
    /// @notice Too many dividends in one call.
    /// @param size The number given.
    /// @param maxSize The most allowed (MAX_BATCH).
    error DividendRegistryBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice `account` holds DATA_PROVIDER but acts for no institution, so it owns no dividends.
    /// @param account The caller.
    error DividendRegistryNoInstitution(address account);
    /// @notice A change to a dividend another institution recorded.
    /// @param isin The security.
    /// @param recordDate The record date, yyyymmdd.
    /// @param publisher The institution (LEI) that recorded it, the only one that changes it.
    /// @param caller The caller's institution (LEI).
    error DividendRegistryNotPublisher(bytes12 isin, uint32 recordDate, bytes20 publisher, bytes20 caller);

    /// @notice A dividend was recorded (version 1) or changed (a later version) by `provider`, an
    /// operator of `publisher`, the institution that owns it.
    /// @param isin The security.
    /// @param recordDate The record date (yyyymmdd).
    /// @param version The version (1 when first recorded).
    /// @param exDate The ex-date (yyyymmdd).
    /// @param paymentDate The payment date (yyyymmdd).
    /// @param amountPerShare The amount per share, in units of 10^-DECIMALS of `currency`.
    /// @param currency The currency (ISO 4217, ASCII).
    /// @param status The status.
    /// @param reason Why it changed (empty when first recorded or for a forecast).
    /// @param provider The data provider's account that sent it.
    /// @param publisher The institution (LEI) that owns the dividend.
    event DividendRecorded(
        bytes12 indexed isin,
        uint32 indexed recordDate,
        uint64 version,
        uint32 exDate,
        uint32 paymentDate,
        uint128 amountPerShare,
        bytes3 currency,
        Status status,
        string reason,
        address provider,
        bytes20 publisher
    );

    /// @notice Record or change dividends (a data provider acting for an institution). A new
    /// dividend belongs to the caller's institution; a change to another institution's dividend
    /// reverts {DividendRegistryNotPublisher}. An input identical to the stored dividend changes
    /// nothing and emits nothing, so a re-run is harmless.
    /// @param inputs At most MAX_BATCH dividends of registered securities.
    function recordDividends(DividendInput[] calldata inputs) external;

    /// @notice A dividend by security and record date.
    /// @param isin The ISIN.
    /// @param recordDate The record date, yyyymmdd.
    /// @return The stored dividend; reverts when unknown.
    function getDividend(bytes12 isin, uint32 recordDate) external view returns (Dividend memory);

    /// @notice The record dates of a security's dividends, in the order they were first recorded.
    /// @param isin The ISIN.
    /// @return The record dates.
    function recordDatesOf(bytes12 isin) external view returns (uint32[] memory);
}
