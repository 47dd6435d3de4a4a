// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IFundRegistry} from "./IFundRegistry.sol";

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

    /// @notice The caller's institution may not publish the fund's records: it is neither the
    /// fund's asset manager nor one of its delegates (see DistributionRegistry.canPublish).
    /// @param lei The caller's institution (LEI).
    /// @param serial The fund's serial number.
    error FundNoticesNotPublisher(bytes20 lei, uint32 serial);
    /// @notice The caller is no operator of an active institution.
    /// @param account The caller.
    /// @param lei The institution it acts for (zero when none).
    error FundNoticesNotInstitution(address account, bytes20 lei);
    /// @notice A publish call with no records.
    error FundNoticesEmptyBatch();
    /// @notice Too many records in one call.
    /// @param size The number given.
    /// @param maxSize The most allowed (MAX_BATCH).
    error FundNoticesBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice A record's version is not the one expected: 1 for a new record, the current
    /// version plus one for a correction.
    /// @param serial The fund's serial number.
    /// @param key The record's date (a report: its period).
    /// @param version The version given.
    /// @param expected The version expected.
    error FundNoticesInvalidVersion(uint32 serial, uint32 key, uint32 version, uint32 expected);
    /// @notice A correction changes the fund or the date (a report: the period) of the record it
    /// replaces; a correction keeps the key, a record of another key is published anew.
    /// @param serial The fund of the record replaced.
    /// @param key The key of the record replaced.
    /// @param newSerial The fund the correction names.
    /// @param newKey The key the correction names.
    error FundNoticesKeyChanged(uint32 serial, uint32 key, uint32 newSerial, uint32 newKey);
    /// @notice A record already exists for this fund and key: correct it instead.
    /// @param serial The fund's serial number.
    /// @param key The record's date (a report: its period).
    error FundNoticesExists(uint32 serial, uint32 key);
    /// @notice The record a correction names as the one it replaces is not the current version.
    /// @param serial The fund's serial number.
    /// @param key The record's date (a report: its period).
    error FundNoticesNotCurrent(uint32 serial, uint32 key);
    /// @notice A correction without a reason.
    /// @param serial The fund's serial number.
    /// @param key The record's date (a report: its period).
    error FundNoticesReasonRequired(uint32 serial, uint32 key);
    /// @notice The fund is not open for records: it is not established, active, suspended or
    /// redeeming.
    /// @param serial The fund's serial number.
    /// @param status Its status.
    error FundNoticesFundNotOpen(uint32 serial, IFundRegistry.FundStatus status);
    /// @notice The date lies outside the fund's life (before its establishment or after its
    /// redemption).
    /// @param serial The fund's serial number.
    /// @param date The record's date (yyyymmdd).
    /// @param establishmentDate The fund's establishment date.
    /// @param redemptionDate The fund's redemption date (0: open-ended).
    error FundNoticesOutsideFundLife(uint32 serial, uint32 date, uint32 establishmentDate, uint32 redemptionDate);
    /// @notice A distribution or report without its fiscal period (period 0).
    /// @param serial The fund's serial number.
    /// @param key The record's date (a report: its period).
    error FundNoticesPeriodMissing(uint32 serial, uint32 key);
    /// @notice A distribution on a date that is not a fiscal closing date of the fund.
    /// @param serial The fund's serial number.
    /// @param date The date (yyyymmdd).
    error FundNoticesNotClosingDate(uint32 serial, uint32 date);
    /// @notice A non-application day on a date that is not a NAV day of the fund.
    /// @param serial The fund's serial number.
    /// @param date The date (yyyymmdd).
    error FundNoticesNotNavDay(uint32 serial, uint32 date);
    /// @notice A non-application day published as cancelled: a cancellation is a correction of a
    /// published day.
    /// @param serial The fund's serial number.
    /// @param date The date (yyyymmdd).
    error FundNoticesCancelledAtPublication(uint32 serial, uint32 date);
    /// @notice A non-application day without its reason (Reason.None).
    /// @param serial The fund's serial number.
    /// @param date The date (yyyymmdd).
    error FundNoticesReasonMissing(uint32 serial, uint32 date);
    /// @notice A non-application day for another reason (Reason.Other) without a note saying it.
    /// @param serial The fund's serial number.
    /// @param date The date (yyyymmdd).
    error FundNoticesNoteMissing(uint32 serial, uint32 date);
    /// @notice A market holiday on which the market named is open.
    /// @param serial The fund's serial number.
    /// @param date The date (yyyymmdd).
    /// @param market The market (MIC).
    error FundNoticesMarketOpen(uint32 serial, uint32 date, bytes4 market);
    /// @notice A market or bank holiday naming a market that is not one of the fund's holiday
    /// markets.
    /// @param serial The fund's serial number.
    /// @param market The market named (MIC; zero when none).
    error FundNoticesNotHolidayMarket(uint32 serial, bytes4 market);
    /// @notice A report without the SHA-256 of its document.
    /// @param serial The fund's serial number.
    /// @param period The report's fiscal period.
    error FundNoticesContentHashMissing(uint32 serial, uint32 period);
    /// @notice A report without its location.
    /// @param serial The fund's serial number.
    /// @param period The report's fiscal period.
    error FundNoticesLocationMissing(uint32 serial, uint32 period);
    /// @notice A report without its format.
    /// @param serial The fund's serial number.
    /// @param period The report's fiscal period.
    error FundNoticesFormatMissing(uint32 serial, uint32 period);

    /// @notice A distribution was published (version 1).
    /// @param serial The fund's serial number.
    /// @param date The fiscal closing date (yyyymmdd).
    /// @param record The record.
    /// @param publisher The publishing institution (LEI).
    event DistributionPublished(uint32 indexed serial, uint32 indexed date, Distribution record, bytes20 publisher);
    /// @notice A distribution was replaced by its next version.
    /// @param serial The fund's serial number.
    /// @param date The fiscal closing date (yyyymmdd).
    /// @param previous The record replaced.
    /// @param current The new record.
    /// @param reason Why.
    /// @param publisher The publishing institution (LEI).
    event DistributionCorrected(
        uint32 indexed serial, uint32 indexed date, Distribution previous, Distribution current, string reason, bytes20 publisher
    );
    /// @notice A non-application day was published (version 1).
    /// @param serial The fund's serial number.
    /// @param date The day (yyyymmdd).
    /// @param record The record.
    /// @param publisher The publishing institution (LEI).
    event NonApplicationDayPublished(uint32 indexed serial, uint32 indexed date, NonApplicationDay record, bytes20 publisher);
    /// @notice A non-application day was replaced by its next version (or cancelled).
    /// @param serial The fund's serial number.
    /// @param date The day (yyyymmdd).
    /// @param previous The record replaced.
    /// @param current The new record.
    /// @param reason Why.
    /// @param publisher The publishing institution (LEI).
    event NonApplicationDayCorrected(
        uint32 indexed serial,
        uint32 indexed date,
        NonApplicationDay previous,
        NonApplicationDay current,
        string reason,
        bytes20 publisher
    );
    /// @notice A management report was published (version 1).
    /// @param serial The fund's serial number.
    /// @param period The fiscal period.
    /// @param record The record.
    /// @param publisher The publishing institution (LEI).
    event ReportPublished(uint32 indexed serial, uint32 indexed period, Report record, bytes20 publisher);
    /// @notice A management report was replaced by its next version.
    /// @param serial The fund's serial number.
    /// @param period The fiscal period.
    /// @param previous The record replaced.
    /// @param current The new record.
    /// @param reason Why.
    /// @param publisher The publishing institution (LEI).
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
