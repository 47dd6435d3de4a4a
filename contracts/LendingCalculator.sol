// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IDividendRegistry} from "./interfaces/IDividendRegistry.sol";
import {ILendingAgreements} from "./interfaces/ILendingAgreements.sol";
import {IPriceFeed} from "./interfaces/IPriceFeed.sol";
import {ISecurityRegistry} from "./interfaces/ISecurityRegistry.sol";
import {Dates} from "./libraries/Dates.sol";
import {LendingMath} from "./libraries/LendingMath.sol";

/// @title LendingCalculator
/// @notice The securities lending calculation as a pure function that any party runs by
/// `eth_call` on its own node with the plaintext inputs, to verify a figure without trusting
/// anyone's software and without revealing the terms on chain; see {LendingMath}. With
/// {calculateCommitted} the terms and movements are first checked against the commitments the
/// agreement holds on chain, and the closes and dividends against the shared reference data.
contract LendingCalculator {
    ILendingAgreements private immutable _agreements;
    ISecurityRegistry private immutable _securities;
    IPriceFeed private immutable _prices;
    IDividendRegistry private immutable _dividends;

    /// @notice The version of the terms is not acknowledged by the borrower.
    /// @param agreementId The agreement.
    /// @param termsVersion The version given.
    error LendingCalculatorTermsNotAcknowledged(bytes32 agreementId, uint32 termsVersion);
    /// @notice The terms and salt given do not open the version's commitment.
    /// @param agreementId The agreement.
    /// @param termsVersion The version given.
    error LendingCalculatorTermsNotCommitted(bytes32 agreementId, uint32 termsVersion);
    /// @notice The period starts before the version's effective date.
    /// @param agreementId The agreement.
    /// @param termsVersion The version given.
    /// @param start The period's first day, yyyymmdd.
    /// @param effectiveFrom The version's first day, yyyymmdd.
    error LendingCalculatorBeforeTerms(bytes32 agreementId, uint32 termsVersion, uint32 start, uint32 effectiveFrom);
    /// @notice A later acknowledged version is in effect by the period's last day.
    /// @param agreementId The agreement.
    /// @param termsVersion The version given.
    /// @param later The later version.
    /// @param effectiveFrom The later version's first day, yyyymmdd.
    error LendingCalculatorTermsSuperseded(bytes32 agreementId, uint32 termsVersion, uint32 later, uint32 effectiveFrom);
    /// @notice The borrower has confirmed no version of the movements.
    /// @param agreementId The agreement.
    error LendingCalculatorMovementsNotConfirmed(bytes32 agreementId);
    /// @notice The movements and salt given do not open the latest movements commitment.
    /// @param agreementId The agreement.
    /// @param movementsVersion The agreement's latest movements version.
    error LendingCalculatorMovementsNotCommitted(bytes32 agreementId, uint32 movementsVersion);
    /// @notice A close given is not the PriceFeed's close of its day, a day's published close
    /// was left out, or a close was given for a day the PriceFeed has none (0).
    /// @param date The day, yyyymmdd.
    /// @param given The close given (0: none given that day).
    /// @param shared The PriceFeed's close that day (0: none published).
    error LendingCalculatorCloseNotShared(uint32 date, uint256 given, uint256 shared);
    /// @notice A close was given after the period's last day.
    /// @param date The close's date, yyyymmdd.
    /// @param end The period's last day, yyyymmdd.
    error LendingCalculatorCloseAfterPeriod(uint32 date, uint32 end);
    /// @notice The dividends given are not in strictly ascending order of record date (a
    /// repeated dividend included).
    /// @param recordDate The record date out of order, yyyymmdd.
    /// @param previous The record date given before it, yyyymmdd.
    error LendingCalculatorDividendsUnsorted(uint32 recordDate, uint32 previous);
    /// @notice A dividend given is not the DividendRegistry's current one of its record date, or
    /// that dividend is cancelled.
    /// @param recordDate The record date, yyyymmdd.
    /// @param given The amount per share given (over 10^6).
    /// @param shared The registry's current amount per share (0 when cancelled).
    error LendingCalculatorDividendNotShared(uint32 recordDate, uint256 given, uint256 shared);
    /// @notice A dividend of the DividendRegistry with a record date in the period, not
    /// cancelled, was left out.
    /// @param recordDate Its record date, yyyymmdd.
    error LendingCalculatorDividendLeftOut(uint32 recordDate);
    /// @notice A movement's date is not a date, or goes back before the previous movement's.
    /// @param index The movement's index.
    /// @param date Its date, yyyymmdd.
    /// @param previous The previous position's date (0 for the first).
    error LendingCalculatorMovementDate(uint256 index, uint32 date, uint32 previous);
    /// @notice A movement's signed changes do not fit its kind.
    /// @param index The movement's index.
    /// @param kind Its kind.
    /// @param quantity Its change of quantity.
    /// @param collateral Its change of cash collateral.
    error LendingCalculatorMovementSigns(
        uint256 index, ILendingAgreements.MovementKind kind, int256 quantity, int256 collateral
    );
    /// @notice The running quantity falls below zero at a movement.
    /// @param index The movement's index.
    /// @param quantity The running quantity after it.
    error LendingCalculatorNegativeQuantity(uint256 index, int256 quantity);
    /// @notice The running cash collateral falls below zero at a movement.
    /// @param index The movement's index.
    /// @param collateral The running collateral after it.
    error LendingCalculatorNegativeCollateral(uint256 index, int256 collateral);

    /// @param agreements_ The deployed LendingAgreements.
    /// @param securities_ The deployed SecurityRegistry.
    /// @param prices_ The deployed PriceFeed (its closes are over 10^6, as the calculator's).
    /// @param dividends_ The deployed DividendRegistry (amounts over 10^6).
    constructor(
        ILendingAgreements agreements_,
        ISecurityRegistry securities_,
        IPriceFeed prices_,
        IDividendRegistry dividends_
    ) {
        _agreements = agreements_;
        _securities = securities_;
        _prices = prices_;
        _dividends = dividends_;
    }

    /// @notice The lending fee, collateral interest, dividend equivalent and net of one agreement
    /// over one period, in the currency's minor unit.
    /// @param terms The agreement's terms (rates in percent over 10^6).
    /// @param positions Its position rows, dates ascending (quantity and collateral over 10^6).
    /// @param closes The security's closes, dates ascending (over 10^6).
    /// @param dividends The security's dividends (amount per share over 10^6).
    /// @param start The first day, yyyymmdd.
    /// @param end The last day, yyyymmdd (inclusive).
    /// @return The amounts and the number of accruing days.
    function calculate(
        LendingMath.Terms calldata terms,
        LendingMath.Position[] calldata positions,
        LendingMath.Close[] calldata closes,
        LendingMath.Dividend[] calldata dividends,
        uint32 start,
        uint32 end
    ) external pure returns (LendingMath.Result memory) {
        return LendingMath.calculate(terms, positions, closes, dividends, start, end);
    }

    /// @notice {calculate} for a registered agreement, whose terms must be an acknowledged version
    /// of its terms in effect over the whole period (from its effective date, and before the next
    /// acknowledged version's), and whose movements must be its confirmed movements, as committed
    /// (keccak256(salt || abi.encode(...))), and whose closes and dividends must be the platform's:
    /// every close of the PriceFeed from the first close given to `end`, none left out, and every
    /// dividend of the DividendRegistry with a record date in the period, with its current amount.
    /// The movements become position rows: one row per date, the quantity and the collateral
    /// summed from the first movement on.
    /// @param agreementId The agreement's identifier.
    /// @param termsVersion The version of the terms the period is calculated on.
    /// @param terms That version's terms as sealed.
    /// @param termsSalt The salt of the terms' commitment.
    /// @param movements The agreement's confirmed movements as sealed, dates ascending.
    /// @param movementsSalt The salt of the movements' commitment.
    /// @param closes The security's closes, dates ascending (over 10^6).
    /// @param dividends The security's dividends (amount per share over 10^6).
    /// @param start The first day, yyyymmdd.
    /// @param end The last day, yyyymmdd (inclusive).
    /// @return The amounts and the number of accruing days.
    function calculateCommitted(
        bytes32 agreementId,
        uint32 termsVersion,
        ILendingAgreements.AgreementTerms calldata terms,
        bytes32 termsSalt,
        ILendingAgreements.Movement[] calldata movements,
        bytes32 movementsSalt,
        LendingMath.Close[] memory closes,
        LendingMath.Dividend[] memory dividends,
        uint32 start,
        uint32 end
    ) external view returns (LendingMath.Result memory) {
        _requireCommittedTerms(agreementId, termsVersion, terms, termsSalt);
        _requireInEffect(agreementId, termsVersion, start, end);
        _requireCommittedMovements(agreementId, movements, movementsSalt);
        _requireSharedCloses(terms.security, closes, end);
        _requireSharedDividends(terms.security, dividends, start, end);
        return LendingMath.calculate(terms.calculation, positionsOf(movements), closes, dividends, start, end);
    }

    /// @notice The position rows of a movement history: one row per date, dates ascending, the
    /// quantity and the collateral summed from the first movement on.
    /// @dev Refuses a date going backwards or not a date, a kind inconsistent with its signs (a
    /// new loan adds shares, a return or a recall takes them back, a collateral change moves only
    /// the collateral; the first three may move the collateral too), and a running quantity or
    /// collateral below zero, each with its own error.
    /// @param movements The movements, dates ascending.
    /// @return positions The position rows.
    function positionsOf(ILendingAgreements.Movement[] calldata movements)
        public
        pure
        returns (LendingMath.Position[] memory positions)
    {
        positions = new LendingMath.Position[](movements.length);
        uint256 rows = 0;
        int256 quantity = 0;
        int256 collateral = 0;
        for (uint256 i = 0; i < movements.length; ++i) {
            ILendingAgreements.Movement calldata movement = movements[i];
            uint32 date = movement.date;
            uint32 previous = rows > 0 ? positions[rows - 1].date : 0;
            if (!Dates.isValid(date) || date < previous) revert LendingCalculatorMovementDate(i, date, previous);
            if (!_signsFit(movement.kind, movement.quantity, movement.collateral)) {
                revert LendingCalculatorMovementSigns(i, movement.kind, movement.quantity, movement.collateral);
            }
            quantity += movement.quantity;
            collateral += movement.collateral;
            if (quantity < 0) revert LendingCalculatorNegativeQuantity(i, quantity);
            if (collateral < 0) revert LendingCalculatorNegativeCollateral(i, collateral);
            if (rows == 0 || date != positions[rows - 1].date) ++rows;
            positions[rows - 1] = LendingMath.Position(date, uint256(quantity), uint256(collateral));
        }
        assembly ("memory-safe") {
            mstore(positions, rows) // several movements on one date made one row
        }
    }

    function _requireCommittedTerms(
        bytes32 agreementId,
        uint32 termsVersion,
        ILendingAgreements.AgreementTerms calldata terms,
        bytes32 termsSalt
    ) private view {
        ILendingAgreements.TermsVersion memory version = _agreements.getTermsVersion(agreementId, termsVersion);
        if (!version.acknowledged) revert LendingCalculatorTermsNotAcknowledged(agreementId, termsVersion);
        if (keccak256(abi.encodePacked(termsSalt, abi.encode(terms))) != version.commitment) {
            revert LendingCalculatorTermsNotCommitted(agreementId, termsVersion);
        }
    }

    /// @dev The version applies from its effective date until the next acknowledged version's.
    function _requireInEffect(bytes32 agreementId, uint32 termsVersion, uint32 start, uint32 end) private view {
        uint32 effectiveFrom = _agreements.getTermsVersion(agreementId, termsVersion).effectiveFrom;
        if (start < effectiveFrom) revert LendingCalculatorBeforeTerms(agreementId, termsVersion, start, effectiveFrom);
        uint32 acknowledged = _agreements.getAgreement(agreementId).acknowledgedVersion;
        for (uint32 later = termsVersion + 1; later <= acknowledged; ++later) {
            ILendingAgreements.TermsVersion memory next = _agreements.getTermsVersion(agreementId, later);
            if (!next.acknowledged) continue;
            if (next.effectiveFrom <= end) {
                revert LendingCalculatorTermsSuperseded(agreementId, termsVersion, later, next.effectiveFrom);
            }
            break;
        }
    }

    function _requireCommittedMovements(
        bytes32 agreementId,
        ILendingAgreements.Movement[] calldata movements,
        bytes32 movementsSalt
    ) private view {
        ILendingAgreements.Agreement memory agreement = _agreements.getAgreement(agreementId);
        if (agreement.confirmedMovementsVersion == 0) revert LendingCalculatorMovementsNotConfirmed(agreementId);
        if (keccak256(abi.encodePacked(movementsSalt, abi.encode(movements))) != agreement.movementsCommitment) {
            revert LendingCalculatorMovementsNotCommitted(agreementId, agreement.movementsVersion);
        }
    }

    /// @dev Whether a movement's signed changes fit its kind.
    function _signsFit(ILendingAgreements.MovementKind kind, int256 quantity, int256 collateral)
        private
        pure
        returns (bool)
    {
        if (kind == ILendingAgreements.MovementKind.NewLoan) return quantity > 0;
        if (kind == ILendingAgreements.MovementKind.CollateralChange) return quantity == 0 && collateral != 0;
        return quantity < 0; // Return, Recall
    }

    /// @dev The closes given are exactly the PriceFeed's from the first of them to `end`: each
    /// equal to the published close of its day (never a close where none is published), none
    /// left out, none after `end`.
    function _requireSharedCloses(bytes12 isin, LendingMath.Close[] memory closes, uint32 end) private view {
        if (closes.length == 0) return;
        uint32 index = _securities.getSecurity(isin).index;
        uint256 next = 0;
        uint256 last = Dates.toDays(end);
        for (uint256 day = Dates.toDays(closes[0].date); day <= last; ++day) {
            uint32 date = Dates.fromDays(day);
            uint64 shared = uint64(_prices.closeWords(date, (index - 1) / 4, 1)[0] >> (64 * ((index - 1) % 4)));
            bool wasGiven = next < closes.length && closes[next].date == date;
            uint256 given = wasGiven ? closes[next].close : 0;
            if (given != shared || (wasGiven && shared == 0)) {
                revert LendingCalculatorCloseNotShared(date, given, shared);
            }
            if (wasGiven) ++next;
        }
        if (next != closes.length) revert LendingCalculatorCloseAfterPeriod(closes[next].date, end);
    }

    /// @dev The dividends given are exactly the DividendRegistry's current ones with a record
    /// date in the period, the cancelled left out: record dates strictly ascending (no dividend
    /// twice), each declared or paid with its current amount, and every such dividend of the
    /// registry among them (walked from the registry's own record dates).
    function _requireSharedDividends(
        bytes12 isin,
        LendingMath.Dividend[] memory dividends,
        uint32 start,
        uint32 end
    ) private view {
        uint32 previous = 0;
        for (uint256 i = 0; i < dividends.length; ++i) {
            uint32 recordDate = dividends[i].recordDate;
            if (recordDate <= previous) revert LendingCalculatorDividendsUnsorted(recordDate, previous);
            previous = recordDate;
            if (recordDate < start || recordDate > end) continue;
            IDividendRegistry.Dividend memory shared = _dividends.getDividend(isin, recordDate);
            uint256 amount = shared.status == IDividendRegistry.Status.Cancelled ? 0 : shared.amountPerShare;
            if (amount == 0 || amount != dividends[i].amountPerShare) {
                revert LendingCalculatorDividendNotShared(recordDate, dividends[i].amountPerShare, amount);
            }
        }
        uint32[] memory recordDates = _dividends.recordDatesOf(isin);
        for (uint256 j = 0; j < recordDates.length; ++j) {
            uint32 recordDate = recordDates[j];
            if (recordDate < start || recordDate > end) continue;
            if (_dividends.getDividend(isin, recordDate).status == IDividendRegistry.Status.Cancelled) continue;
            if (!_given(dividends, recordDate)) revert LendingCalculatorDividendLeftOut(recordDate);
        }
    }

    /// @dev Whether a dividend of `recordDate` is among `dividends` (record dates ascending).
    function _given(LendingMath.Dividend[] memory dividends, uint32 recordDate) private pure returns (bool) {
        for (uint256 i = 0; i < dividends.length && dividends[i].recordDate <= recordDate; ++i) {
            if (dividends[i].recordDate == recordDate) return true;
        }
        return false;
    }
}
