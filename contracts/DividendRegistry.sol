// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IDividendRegistry} from "./interfaces/IDividendRegistry.sol";
import {IMarketCalendar} from "./interfaces/IMarketCalendar.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {ISecurityRegistry} from "./interfaces/ISecurityRegistry.sol";
import {Dates} from "./libraries/Dates.sol";
import {Roles} from "./libraries/Roles.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title DividendRegistry
/// @notice Dividends per security and record date, versioned; see {IDividendRegistry}.
contract DividendRegistry is PlatformControlled, IDividendRegistry {
    /// @notice Amounts are in units of 10^-DECIMALS of the dividend's currency.
    uint8 public constant DECIMALS = 6;
    /// @notice Most dividends one {recordDividends} call takes.
    uint256 public constant MAX_BATCH = 128;
    /// @notice The market whose ex-dates are checked against its calendar.
    bytes4 public constant TOKYO = "XTKS";
    /// @notice How many calendar days the previous Tokyo business day is searched back.
    uint256 public constant MAX_LOOKBACK_DAYS = 14;

    IParticipantRegistry private immutable _participants;
    ISecurityRegistry private immutable _securities;
    IMarketCalendar private immutable _calendar;
    mapping(bytes12 isin => mapping(uint32 recordDate => Dividend)) private _dividends;
    mapping(bytes12 isin => uint32[] recordDates) private _recordDates;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry (dividends are owned by institutions).
    /// @param securities_ The deployed SecurityRegistry (dividends are of registered securities).
    /// @param calendar_ The deployed MarketCalendar (Tokyo ex-dates are checked against it).
    constructor(
        IPlatformAccess access_,
        IParticipantRegistry participants_,
        ISecurityRegistry securities_,
        IMarketCalendar calendar_
    ) PlatformControlled(access_) {
        _participants = participants_;
        _securities = securities_;
        _calendar = calendar_;
    }

    /// @inheritdoc IDividendRegistry
    function recordDividends(DividendInput[] calldata inputs) external onlyPlatformRole(Roles.DATA_PROVIDER) {
        if (inputs.length > MAX_BATCH) revert DividendRegistryBatchTooLarge(inputs.length, MAX_BATCH);
        bytes20 lei = _participants.institutionOf(msg.sender);
        if (lei == bytes20(0)) revert DividendRegistryNoInstitution(msg.sender);
        for (uint256 i = 0; i < inputs.length; ++i) {
            _record(inputs[i], lei);
        }
    }

    /// @inheritdoc IDividendRegistry
    function getDividend(bytes12 isin, uint32 recordDate) external view returns (Dividend memory dividend) {
        dividend = _dividends[isin][recordDate];
        if (dividend.status == Status.None) revert DividendRegistryUnknownDividend(isin, recordDate);
    }

    /// @inheritdoc IDividendRegistry
    function recordDatesOf(bytes12 isin) external view returns (uint32[] memory) {
        return _recordDates[isin];
    }

    function _record(DividendInput calldata input, bytes20 lei) private {
        bytes12 isin = input.isin;
        uint32 recordDate = input.recordDate;
        ISecurityRegistry.Security memory security = _securities.getSecurity(isin);
        _check(input, security.market);
        Dividend storage stored = _dividends[isin][recordDate];
        Status from = stored.status;
        if (from != Status.None) {
            if (_same(stored, input)) return;
            bytes20 publisher = stored.publisher;
            if (publisher != lei) revert DividendRegistryNotPublisher(isin, recordDate, publisher, lei);
            _checkChange(stored, input);
        }
        uint64 version = stored.version + 1;
        stored.isin = isin;
        stored.recordDate = recordDate;
        stored.exDate = input.exDate;
        stored.paymentDate = input.paymentDate;
        stored.currency = input.currency;
        stored.status = input.status;
        stored.version = version;
        stored.amountPerShare = input.amountPerShare;
        if (from == Status.None) {
            stored.publisher = lei;
            _recordDates[isin].push(recordDate);
        }
        _emitRecorded(input, version, lei);
    }

    function _emitRecorded(DividendInput calldata input, uint64 version, bytes20 lei) private {
        emit DividendRecorded(
            input.isin,
            input.recordDate,
            version,
            input.exDate,
            input.paymentDate,
            input.amountPerShare,
            input.currency,
            input.status,
            input.reason,
            msg.sender,
            lei
        );
    }

    function _check(DividendInput calldata input, bytes4 market) private view {
        bytes12 isin = input.isin;
        uint32 recordDate = input.recordDate;
        if (!_isDate(recordDate)) revert DividendRegistryInvalidRecordDate(isin, recordDate);
        if (!_isDate(input.exDate)) revert DividendRegistryInvalidExDate(isin, recordDate, input.exDate);
        if (!_isDate(input.paymentDate)) revert DividendRegistryInvalidPaymentDate(isin, recordDate, input.paymentDate);
        if (input.exDate > recordDate || input.paymentDate < recordDate) {
            revert DividendRegistryDateOrder(isin, recordDate, input.exDate, input.paymentDate);
        }
        if (input.status == Status.None) revert DividendRegistryStatusMissing(isin, recordDate);
        if (input.currency == bytes3(0)) revert DividendRegistryInvalidCurrency(isin, recordDate, input.currency);
        if (input.amountPerShare == 0 && input.status != Status.Cancelled) {
            revert DividendRegistryZeroAmount(isin, recordDate, input.status);
        }
        if (market == TOKYO) {
            uint32 expected = _previousBusinessDay(isin, recordDate);
            if (input.exDate != expected) {
                revert DividendRegistryExDateMismatch(isin, recordDate, input.exDate, expected);
            }
        }
    }

    function _checkChange(Dividend storage stored, DividendInput calldata input) private view {
        Status from = stored.status;
        Status to = input.status;
        bool allowed = from == to
            || (from == Status.Forecast && to != Status.Paid)
            || (from == Status.Declared && (to == Status.Paid || to == Status.Cancelled));
        if (from == Status.Cancelled || !allowed) {
            revert DividendRegistryInvalidTransition(stored.isin, stored.recordDate, from, to);
        }
        bool figuresChanged = stored.exDate != input.exDate || stored.paymentDate != input.paymentDate
            || stored.amountPerShare != input.amountPerShare || stored.currency != input.currency;
        if (figuresChanged && from != Status.Forecast && bytes(input.reason).length == 0) {
            revert DividendRegistryReasonRequired(stored.isin, stored.recordDate);
        }
    }

    function _same(Dividend storage stored, DividendInput calldata input) private view returns (bool) {
        return stored.exDate == input.exDate && stored.paymentDate == input.paymentDate
            && stored.amountPerShare == input.amountPerShare && stored.currency == input.currency
            && stored.status == input.status;
    }

    function _previousBusinessDay(bytes12 isin, uint32 date) private view returns (uint32) {
        uint256 day = Dates.toDays(date);
        for (uint256 back = 1; back <= MAX_LOOKBACK_DAYS; ++back) {
            uint32 candidate = Dates.fromDays(day - back);
            if (_calendar.isBusinessDay(TOKYO, candidate)) return candidate;
        }
        revert DividendRegistryNoBusinessDayBefore(isin, date);
    }

    function _isDate(uint32 date) private pure returns (bool) {
        return Dates.isValid(date) && date >= 19700201 && Dates.fromDays(Dates.toDays(date)) == date;
    }
}
