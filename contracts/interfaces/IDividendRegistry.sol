// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Dividend information
/// @notice One dividend per security (ISIN) and record date: ex-date, payment date, amount per
/// share (units of 10^-DECIMALS of its currency) and status. For Tokyo securities the ex-date is
/// the XTKS business day before the record date, checked against the MarketCalendar. Every change
/// is a new version with an event; the replaced values stay in the earlier events.
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

    /// @notice A dividend as stored (two slots).
    struct Dividend {
        bytes12 isin;
        uint32 recordDate;
        uint32 exDate;
        uint32 paymentDate;
        bytes3 currency;
        Status status;
        uint16 version;
        uint128 amountPerShare;
    }

    error DividendRegistryInvalidDate(bytes12 isin, uint32 recordDate, string field);
    error DividendRegistryDateOrder(bytes12 isin, uint32 recordDate);
    error DividendRegistryExDateMismatch(bytes12 isin, uint32 recordDate, uint32 exDate, uint32 expected);
    error DividendRegistryInvalidField(bytes12 isin, uint32 recordDate, string field);
    error DividendRegistryInvalidTransition(bytes12 isin, uint32 recordDate, Status from, Status to);
    error DividendRegistryReasonRequired(bytes12 isin, uint32 recordDate);
    error DividendRegistryUnknownDividend(bytes12 isin, uint32 recordDate);
    error DividendRegistryBatchTooLarge(uint256 size, uint256 maxSize);

    /// @notice A dividend was recorded (version 1) or changed (a later version).
    event DividendRecorded(
        bytes12 indexed isin,
        uint32 indexed recordDate,
        uint16 version,
        uint32 exDate,
        uint32 paymentDate,
        uint128 amountPerShare,
        bytes3 currency,
        Status status,
        string reason,
        address provider
    );

    /// @notice Record or change dividends (a data provider). An input identical to the stored
    /// dividend changes nothing and emits nothing, so a re-run is harmless.
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
