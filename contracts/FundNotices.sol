// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IDistributionRegistry} from "./interfaces/IDistributionRegistry.sol";
import {IFundNotices} from "./interfaces/IFundNotices.sol";
import {IFundRegistry} from "./interfaces/IFundRegistry.sol";
import {IMarketCalendar} from "./interfaces/IMarketCalendar.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title FundNotices
/// @notice Distributions, non-application days and management reports; see {IFundNotices}.
contract FundNotices is PlatformControlled, IFundNotices {
    /// @notice Most records one publish call takes.
    uint256 public constant MAX_BATCH = 256;

    uint8 private constant _DISTRIBUTION = 1;
    uint8 private constant _NON_APPLICATION_DAY = 2;
    uint8 private constant _REPORT = 3;

    IParticipantRegistry private immutable _participants;
    IDistributionRegistry private immutable _distribution;
    IMarketCalendar private immutable _calendar;

    mapping(uint8 kind => mapping(uint32 serial => mapping(uint32 key => bytes32 hash))) private _current;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    /// @param distribution_ The deployed DistributionRegistry (fund profiles and publishers).
    /// @param calendar_ The deployed MarketCalendar.
    constructor(
        IPlatformAccess access_,
        IParticipantRegistry participants_,
        IDistributionRegistry distribution_,
        IMarketCalendar calendar_
    ) PlatformControlled(access_) {
        _participants = participants_;
        _distribution = distribution_;
        _calendar = calendar_;
    }

    /// @inheritdoc IFundNotices
    function publishDistributions(Distribution[] calldata records) external {
        bytes20 lei = _publisher(records.length);
        for (uint256 i = 0; i < records.length; ++i) {
            Distribution calldata record = records[i];
            _checkDistribution(record, lei);
            _create(_DISTRIBUTION, record.serial, record.date, record.version, keccak256(abi.encode(record)));
            emit DistributionPublished(record.serial, record.date, record, lei);
        }
    }

    /// @inheritdoc IFundNotices
    function publishNonApplicationDays(NonApplicationDay[] calldata records) external {
        bytes20 lei = _publisher(records.length);
        for (uint256 i = 0; i < records.length; ++i) {
            NonApplicationDay calldata record = records[i];
            if (record.cancelled) revert FundNoticesCancelledAtPublication(record.serial, record.date);
            _checkNonApplicationDay(record, lei);
            _create(_NON_APPLICATION_DAY, record.serial, record.date, record.version, keccak256(abi.encode(record)));
            emit NonApplicationDayPublished(record.serial, record.date, record, lei);
        }
    }

    /// @inheritdoc IFundNotices
    function publishReports(Report[] calldata records) external {
        bytes20 lei = _publisher(records.length);
        for (uint256 i = 0; i < records.length; ++i) {
            Report calldata record = records[i];
            _checkReport(record, lei);
            _create(_REPORT, record.serial, record.period, record.version, keccak256(abi.encode(record)));
            emit ReportPublished(record.serial, record.period, record, lei);
        }
    }

    /// @inheritdoc IFundNotices
    function correctDistribution(Distribution calldata previous, Distribution calldata current, string calldata reason)
        external
    {
        bytes20 lei = _publisher(1);
        if (current.serial != previous.serial || current.date != previous.date) {
            revert FundNoticesKeyChanged(previous.serial, previous.date, current.serial, current.date);
        }
        _checkDistribution(current, lei);
        _replace(
            _DISTRIBUTION,
            previous.serial,
            previous.date,
            keccak256(abi.encode(previous)),
            previous.version,
            current.version,
            keccak256(abi.encode(current)),
            reason
        );
        emit DistributionCorrected(current.serial, current.date, previous, current, reason, lei);
    }

    /// @inheritdoc IFundNotices
    function correctNonApplicationDay(
        NonApplicationDay calldata previous,
        NonApplicationDay calldata current,
        string calldata reason
    ) external {
        bytes20 lei = _publisher(1);
        if (current.serial != previous.serial || current.date != previous.date) {
            revert FundNoticesKeyChanged(previous.serial, previous.date, current.serial, current.date);
        }
        if (!current.cancelled) _checkNonApplicationDay(current, lei);
        else _requirePublisher(current.serial, lei);
        _replace(
            _NON_APPLICATION_DAY,
            previous.serial,
            previous.date,
            keccak256(abi.encode(previous)),
            previous.version,
            current.version,
            keccak256(abi.encode(current)),
            reason
        );
        emit NonApplicationDayCorrected(current.serial, current.date, previous, current, reason, lei);
    }

    /// @inheritdoc IFundNotices
    function correctReport(Report calldata previous, Report calldata current, string calldata reason) external {
        bytes20 lei = _publisher(1);
        if (current.serial != previous.serial || current.period != previous.period) {
            revert FundNoticesKeyChanged(previous.serial, previous.period, current.serial, current.period);
        }
        _checkReport(current, lei);
        _replace(
            _REPORT,
            previous.serial,
            previous.period,
            keccak256(abi.encode(previous)),
            previous.version,
            current.version,
            keccak256(abi.encode(current)),
            reason
        );
        emit ReportCorrected(current.serial, current.period, previous, current, reason, lei);
    }

    /// @inheritdoc IFundNotices
    function currentHash(uint8 kind, uint32 serial, uint32 key) external view returns (bytes32) {
        return _current[kind][serial][key];
    }

    function _create(uint8 kind, uint32 serial, uint32 key, uint32 version, bytes32 hash) private {
        if (version != 1) revert FundNoticesInvalidVersion(serial, key, version, 1);
        if (_current[kind][serial][key] != bytes32(0)) revert FundNoticesExists(serial, key);
        _current[kind][serial][key] = hash;
    }

    function _replace(
        uint8 kind,
        uint32 serial,
        uint32 key,
        bytes32 previousHash,
        uint32 previousVersion,
        uint32 version,
        bytes32 hash,
        string calldata reason
    ) private {
        if (_current[kind][serial][key] != previousHash) revert FundNoticesNotCurrent(serial, key);
        if (version != previousVersion + 1) {
            revert FundNoticesInvalidVersion(serial, key, version, previousVersion + 1);
        }
        if (bytes(reason).length == 0) revert FundNoticesReasonRequired(serial, key);
        _current[kind][serial][key] = hash;
    }

    function _checkDistribution(Distribution calldata record, bytes20 lei) private view {
        _requireOpen(record.serial, record.date, lei);
        if (record.period == 0) revert FundNoticesPeriodMissing(record.serial, record.date);
        if (!_distribution.isClosingDate(record.serial, record.date)) {
            revert FundNoticesNotClosingDate(record.serial, record.date);
        }
    }

    function _checkNonApplicationDay(NonApplicationDay calldata record, bytes20 lei) private view {
        uint32 serial = record.serial;
        _requireOpen(serial, record.date, lei);
        if (!_distribution.isNavDay(serial, record.date)) revert FundNoticesNotNavDay(serial, record.date);
        Reason reason = record.reason;
        if (reason == Reason.None) revert FundNoticesReasonMissing(serial, record.date);
        if (reason == Reason.Other) {
            if (bytes(record.note).length == 0) revert FundNoticesNoteMissing(serial, record.date);
            return;
        }
        bytes12 holidays = _distribution.fundProfile(serial).holidayMarkets;
        bool named = record.market != bytes4(0)
            && (bytes4(holidays) == record.market || bytes4(holidays << 32) == record.market
                || bytes4(holidays << 64) == record.market);
        if (!named) revert FundNoticesNotHolidayMarket(serial, record.market);
        if (reason == Reason.MarketHoliday && _calendar.isBusinessDay(record.market, record.date)) {
            revert FundNoticesMarketOpen(serial, record.date, record.market);
        }
    }

    function _checkReport(Report calldata record, bytes20 lei) private view {
        _requirePublisher(record.serial, lei);
        uint32 serial = record.serial;
        uint32 period = record.period;
        if (period == 0) revert FundNoticesPeriodMissing(serial, period);
        if (record.contentHash == bytes32(0)) revert FundNoticesContentHashMissing(serial, period);
        if (bytes(record.location).length == 0) revert FundNoticesLocationMissing(serial, period);
        if (bytes(record.format).length == 0) revert FundNoticesFormatMissing(serial, period);
    }

    function _requireOpen(uint32 serial, uint32 date, bytes20 lei) private view {
        _requirePublisher(serial, lei);
        IDistributionRegistry.FundState memory state = _distribution.fundState(serial);
        if (state.status < IFundRegistry.FundStatus.Established || state.status > IFundRegistry.FundStatus.Redeeming) {
            revert FundNoticesFundNotOpen(serial, state.status);
        }
        if (date < state.establishmentDate || (state.redemptionDate != 0 && date > state.redemptionDate)) {
            revert FundNoticesOutsideFundLife(serial, date, state.establishmentDate, state.redemptionDate);
        }
    }

    function _requirePublisher(uint32 serial, bytes20 lei) private view {
        if (!_distribution.canPublish(serial, lei)) revert FundNoticesNotPublisher(lei, serial);
    }

    function _publisher(uint256 size) private view returns (bytes20 lei) {
        _requireNotPaused();
        if (size == 0) revert FundNoticesEmptyBatch();
        if (size > MAX_BATCH) revert FundNoticesBatchTooLarge(size, MAX_BATCH);
        lei = _participants.institutionOf(msg.sender);
        (, IParticipantRegistry.InstitutionStatus status) = _participants.statusOf(lei);
        if (lei == bytes20(0) || status != IParticipantRegistry.InstitutionStatus.Active) {
            revert FundNoticesNotInstitution(msg.sender, lei);
        }
    }
}
