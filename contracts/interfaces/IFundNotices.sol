// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Distributions, non-application days and management reports of funds (use case 2)
/// @notice The records besides the daily NAV, each keyed by the platform fund code (as its
/// serial) and a date (a report: its fiscal period). Published by the fund's asset manager or a
/// delegate, with the rules of the fund's distribution profile in the DistributionRegistry. Each
/// record's hash is stored, so a correction names the record it replaces, which stays readable
/// in the events with the reason.
interface IFundNotices {
    /// @notice Why a fund takes no applications on a day.
    enum Reason {
        None,
        MarketHoliday,
        BankHoliday,
        Other
    }

    /// @notice A distribution per 10,000 units in yen on a fiscal closing date.
    struct Distribution {
        uint32 serial;
        uint32 date;
        uint32 period;
        uint64 amountPer10000Units;
        uint32 version;
    }

    /// @notice A day on which the fund takes no subscriptions or redemptions.
    struct NonApplicationDay {
        uint32 serial;
        uint32 date;
        Reason reason;
        bytes4 market;
        string note;
        bool cancelled;
        uint32 version;
    }

    /// @notice A management report of a fiscal period: the document's SHA-256, where it is, its
    /// format.
    struct Report {
        uint32 serial;
        uint32 period;
        uint32 date;
        bytes32 contentHash;
        string location;
        string format;
        uint32 version;
    }

    error FundNoticesNotPublisher(bytes20 lei, uint32 serial);
    error FundNoticesEmptyBatch();
    error FundNoticesBatchTooLarge(uint256 size, uint256 maxSize);
    error FundNoticesInvalid(uint32 serial, uint32 key, string field);
    error FundNoticesExists(uint32 serial, uint32 key);
    error FundNoticesNotCurrent(uint32 serial, uint32 key);
    error FundNoticesReasonRequired(uint32 serial, uint32 key);
    error FundNoticesNotClosingDate(uint32 serial, uint32 date);
    error FundNoticesNotNavDay(uint32 serial, uint32 date);
    error FundNoticesMarketOpen(uint32 serial, uint32 date, bytes4 market);
    error FundNoticesNotHolidayMarket(uint32 serial, bytes4 market);

    event DistributionPublished(uint32 indexed serial, uint32 indexed date, Distribution record, bytes20 publisher);
    event DistributionCorrected(
        uint32 indexed serial, uint32 indexed date, Distribution previous, Distribution current, string reason, bytes20 publisher
    );
    event NonApplicationDayPublished(uint32 indexed serial, uint32 indexed date, NonApplicationDay record, bytes20 publisher);
    event NonApplicationDayCorrected(
        uint32 indexed serial,
        uint32 indexed date,
        NonApplicationDay previous,
        NonApplicationDay current,
        string reason,
        bytes20 publisher
    );
    event ReportPublished(uint32 indexed serial, uint32 indexed period, Report record, bytes20 publisher);
    event ReportCorrected(
        uint32 indexed serial, uint32 indexed period, Report previous, Report current, string reason, bytes20 publisher
    );

    /// @notice Publish distributions (version 1), each on a fiscal closing date of its fund.
    /// @param records At most MAX_BATCH records.
    function publishDistributions(Distribution[] calldata records) external;

    /// @notice Publish non-application days (version 1), each a NAV day of its fund; a market
    /// holiday names one of the fund's holiday markets, closed that day; a bank holiday names one
    /// of them; "other" needs a note.
    /// @param records At most MAX_BATCH records.
    function publishNonApplicationDays(NonApplicationDay[] calldata records) external;

    /// @notice Publish management reports (version 1), one per fund and period.
    /// @param records At most MAX_BATCH records.
    function publishReports(Report[] calldata records) external;

    /// @notice Replace a distribution by its next version.
    /// @param previous The current record.
    /// @param current The new record (same fund and date, the next version).
    /// @param reason Why.
    function correctDistribution(Distribution calldata previous, Distribution calldata current, string calldata reason)
        external;

    /// @notice Replace a non-application day by its next version (`cancelled` withdraws it).
    /// @param previous The current record.
    /// @param current The new record (same fund and date, the next version).
    /// @param reason Why.
    function correctNonApplicationDay(
        NonApplicationDay calldata previous,
        NonApplicationDay calldata current,
        string calldata reason
    ) external;

    /// @notice Replace a management report by its next version.
    /// @param previous The current record.
    /// @param current The new record (same fund and period, the next version).
    /// @param reason Why.
    function correctReport(Report calldata previous, Report calldata current, string calldata reason) external;

    /// @notice The hash of the current version of a record (zero: none).
    /// @param kind 1 distribution, 2 non-application day, 3 report.
    /// @param serial The fund's serial number.
    /// @param key The date (a report: the period).
    /// @return keccak256 of the record's ABI encoding.
    function currentHash(uint8 kind, uint32 serial, uint32 key) external view returns (bytes32);
}
