// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./interfaces/IConfidential.sol";
import {ILendingAgreements} from "./interfaces/ILendingAgreements.sol";
import {IMandates} from "./interfaces/IMandates.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Dates} from "./libraries/Dates.sol";
import {PlatformControlled} from "./PlatformControlled.sol";
import {Recipients} from "./libraries/Recipients.sol";

/// @title LendingAgreements
/// @notice Lending agreements with sealed, versioned terms and movements; see {ILendingAgreements}.
contract LendingAgreements is PlatformControlled, ILendingAgreements {
    /// @notice Most recipients a sealed payload may name.
    uint256 public constant MAX_RECIPIENTS = 8;

    IParticipantRegistry private immutable _participants;
    IMandates private immutable _mandates;
    mapping(bytes32 agreementId => Agreement) private _agreements;
    mapping(bytes32 agreementId => mapping(uint32 version => TermsVersion)) private _terms;
    mapping(bytes32 agreementId => mapping(uint32 version => bytes32 commitment)) private _movements;
    mapping(bytes32 agreementId => mapping(uint32 version => bool consented)) private _consented;
    mapping(bytes32 agreementId => MovementsSeal) private _movementsSeal;

    /// @dev Who recorded an agreement's latest movements version, and the version a party
    /// refused (only the latest is refused).
    struct MovementsSeal {
        bytes20 recordedBy;
        uint32 refused;
    }

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    /// @param mandates_ The deployed Mandates (lending agents' mandates from their lenders).
    constructor(IPlatformAccess access_, IParticipantRegistry participants_, IMandates mandates_)
        PlatformControlled(access_)
    {
        _participants = participants_;
        _mandates = mandates_;
    }

    /// @inheritdoc ILendingAgreements
    /// @dev Who: the lender, or a lending agent for it (never the borrower); both active.
    function propose(
        bytes32 referenceHash,
        bytes20 lender,
        bytes20 borrower,
        uint32 effectiveFrom,
        IConfidential.Sealed calldata terms
    ) external returns (bytes32 agreementId) {
        _requireNotPaused();
        (bytes20 caller, IParticipantRegistry.InstitutionType kind) = _caller();
        if (referenceHash == bytes32(0)) revert LendingAgreementsEmptyReference(caller);
        agreementId = agreementIdOf(caller, referenceHash);
        Agreement storage agreement = _agreements[agreementId];
        if (agreement.status != Status.None) {
            revert LendingAgreementsAlreadyProposed(agreementId, caller, referenceHash);
        }
        (IParticipantRegistry.InstitutionType lenderKind,) = _participants.statusOf(lender);
        if (lenderKind == IParticipantRegistry.InstitutionType.None) {
            revert LendingAgreementsUnknownLender(agreementId, lender);
        }
        (IParticipantRegistry.InstitutionType borrowerKind,) = _participants.statusOf(borrower);
        if (borrowerKind == IParticipantRegistry.InstitutionType.None) {
            revert LendingAgreementsUnknownBorrower(agreementId, borrower);
        }
        if (lender == borrower) revert LendingAgreementsLenderIsBorrower(agreementId, lender);
        if (caller == borrower) revert LendingAgreementsAgentIsBorrower(agreementId, caller);
        bool agent = caller != lender;
        if (agent && kind != IParticipantRegistry.InstitutionType.LendingAgent) {
            revert LendingAgreementsNotLendingAgent(caller, kind);
        }
        if (!Dates.isValid(effectiveFrom)) revert LendingAgreementsInvalidDate(agreementId, effectiveFrom);
        _checkSealed(agreementId, terms, lender, borrower, agent ? caller : bytes20(0));
        agreement.lender = lender;
        agreement.borrower = borrower;
        agreement.agent = agent ? caller : bytes20(0);
        _addVersion(agreementId, agreement, effectiveFrom, terms.commitment, caller);
        emit AgreementProposed(agreementId, lender, borrower, agreement.agent, 1, effectiveFrom, terms);
    }

    /// @inheritdoc ILendingAgreements
    /// @dev Who: the agreement's lender, or its agent; active.
    function amend(bytes32 agreementId, uint32 effectiveFrom, IConfidential.Sealed calldata terms) external {
        _requireNotPaused();
        (bytes20 caller,) = _caller();
        Agreement storage agreement = _existing(agreementId);
        bytes20 lender = agreement.lender;
        if (caller != lender && caller != agreement.agent) {
            revert LendingAgreementsNotParty(caller, agreementId);
        }
        if (!Dates.isValid(effectiveFrom)) revert LendingAgreementsInvalidDate(agreementId, effectiveFrom);
        uint32 previous = _terms[agreementId][agreement.version].effectiveFrom;
        if (effectiveFrom < previous) {
            revert LendingAgreementsEffectiveBeforePrevious(agreementId, effectiveFrom, previous);
        }
        _checkSealed(agreementId, terms, lender, agreement.borrower, agreement.agent);
        uint32 version = _addVersion(agreementId, agreement, effectiveFrom, terms.commitment, caller);
        emit AgreementProposed(
            agreementId, lender, agreement.borrower, agreement.agent, version, effectiveFrom, terms
        );
    }

    /// @inheritdoc ILendingAgreements
    /// @dev Who: the agreement's borrower, active; an agent's version needs the lender's consent
    /// or the agent's mandate in force now.
    function acknowledge(bytes32 agreementId, uint32 version) external {
        _requireNotPaused();
        (bytes20 caller,) = _caller();
        Agreement storage agreement = _existing(agreementId);
        if (caller != agreement.borrower) revert LendingAgreementsNotParty(caller, agreementId);
        if (agreement.status != Status.Proposed) revert LendingAgreementsWrongState(agreementId, agreement.status);
        if (version != agreement.version) revert LendingAgreementsStaleVersion(agreementId, version, agreement.version);
        TermsVersion storage terms = _terms[agreementId][version];
        if (terms.refused) revert LendingAgreementsTermsRefused(agreementId, version);
        if (!_consented[agreementId][version] && !_agentMandated(agreement)) {
            revert LendingAgreementsConsentMissing(agreementId, version, agreement.lender);
        }
        agreement.status = Status.Acknowledged;
        agreement.acknowledgedVersion = version;
        terms.acknowledged = true;
        emit AgreementAcknowledged(agreementId, caller, version);
    }

    /// @inheritdoc ILendingAgreements
    /// @dev Who: the agreement's lender, active.
    function consent(bytes32 agreementId, uint32 version) external {
        _requireNotPaused();
        (bytes20 caller,) = _caller();
        Agreement storage agreement = _existing(agreementId);
        if (caller != agreement.lender || _consented[agreementId][version]) {
            revert LendingAgreementsNotConsentable(agreementId, version, caller);
        }
        if (agreement.status != Status.Proposed) revert LendingAgreementsWrongState(agreementId, agreement.status);
        if (version != agreement.version) revert LendingAgreementsStaleVersion(agreementId, version, agreement.version);
        if (_terms[agreementId][version].refused) revert LendingAgreementsTermsRefused(agreementId, version);
        _consented[agreementId][version] = true;
        emit AgreementConsented(agreementId, caller, version);
    }

    /// @inheritdoc ILendingAgreements
    function isConsented(bytes32 agreementId, uint32 version) external view returns (bool) {
        _existing(agreementId);
        return _consented[agreementId][version];
    }

    /// @inheritdoc ILendingAgreements
    /// @dev Who: the agreement's lender, or its agent while the lender consented to the
    /// acknowledged terms or its mandate is in force; active.
    function recordMovements(bytes32 agreementId, IConfidential.Sealed calldata movements) external {
        _requireNotPaused();
        (bytes20 caller,) = _caller();
        Agreement storage agreement = _existing(agreementId);
        if (caller != agreement.lender && caller != agreement.agent) {
            revert LendingAgreementsNotParty(caller, agreementId);
        }
        if (agreement.acknowledgedVersion == 0) revert LendingAgreementsWrongState(agreementId, agreement.status);
        if (
            caller != agreement.lender && !_consented[agreementId][agreement.acknowledgedVersion]
                && !_agentMandated(agreement)
        ) revert LendingAgreementsAgentNotMandated(agreementId, agreement.lender, caller);
        _checkSealed(agreementId, movements, agreement.lender, agreement.borrower, agreement.agent);
        uint32 version = agreement.movementsVersion + 1;
        agreement.movementsVersion = version;
        _movements[agreementId][version] = movements.commitment;
        _movementsSeal[agreementId].recordedBy = caller;
        emit MovementsRecorded(agreementId, version, movements, caller);
    }

    /// @inheritdoc ILendingAgreements
    /// @dev Who: the agreement's borrower, active. Reverts with {LendingAgreementsStaleVersion}
    /// for any version but the latest recorded one, and with {LendingAgreementsAlreadyConfirmed}
    /// when it is confirmed already.
    function confirmMovements(bytes32 agreementId, uint32 version) external {
        _requireNotPaused();
        (bytes20 caller,) = _caller();
        Agreement storage agreement = _existing(agreementId);
        if (caller != agreement.borrower) revert LendingAgreementsNotParty(caller, agreementId);
        uint32 latest = agreement.movementsVersion;
        if (version == 0 || version != latest) revert LendingAgreementsStaleVersion(agreementId, version, latest);
        if (version == agreement.confirmedMovementsVersion) revert LendingAgreementsAlreadyConfirmed(agreementId, version);
        if (_movementsSeal[agreementId].refused == version) revert LendingAgreementsMovementsRefused(agreementId, version);
        agreement.confirmedMovementsVersion = version;
        agreement.movementsCommitment = _movements[agreementId][version];
        emit MovementsConfirmed(agreementId, caller, version);
    }

    /// @inheritdoc ILendingAgreements
    /// @dev Who: the agreement's lender, borrower or agent, active, other than the version's
    /// proposer (terms) or recorder (movements).
    function refusePayload(bytes32 agreementId, Payload payload, uint32 version, Refusal reason) external {
        _requireNotPaused();
        (bytes20 caller,) = _caller();
        Agreement storage agreement = _existing(agreementId);
        if (caller != agreement.lender && caller != agreement.borrower && caller != agreement.agent) {
            revert LendingAgreementsNotParty(caller, agreementId);
        }
        if (payload == Payload.Terms) {
            if (agreement.status != Status.Proposed) revert LendingAgreementsWrongState(agreementId, agreement.status);
            if (version != agreement.version) {
                revert LendingAgreementsStaleVersion(agreementId, version, agreement.version);
            }
            TermsVersion storage terms = _terms[agreementId][version];
            if (terms.proposedBy == caller) revert LendingAgreementsOwnPayload(caller, agreementId, payload, version);
            if (terms.refused) revert LendingAgreementsTermsRefused(agreementId, version);
            terms.refused = true;
        } else {
            uint32 latest = agreement.movementsVersion;
            if (version == 0 || version != latest) revert LendingAgreementsStaleVersion(agreementId, version, latest);
            if (version == agreement.confirmedMovementsVersion) {
                revert LendingAgreementsAlreadyConfirmed(agreementId, version);
            }
            MovementsSeal storage seal = _movementsSeal[agreementId];
            if (seal.recordedBy == caller) revert LendingAgreementsOwnPayload(caller, agreementId, payload, version);
            if (seal.refused == version) revert LendingAgreementsMovementsRefused(agreementId, version);
            seal.refused = version;
        }
        emit PayloadRefused(agreementId, caller, payload, version, reason);
    }

    /// @inheritdoc ILendingAgreements
    function getTermsVersion(bytes32 agreementId, uint32 version) external view returns (TermsVersion memory) {
        Agreement storage agreement = _existing(agreementId);
        if (version == 0 || version > agreement.version) {
            revert LendingAgreementsUnknownVersion(agreementId, version, agreement.version);
        }
        return _terms[agreementId][version];
    }

    /// @inheritdoc ILendingAgreements
    function getAgreement(bytes32 agreementId) external view returns (Agreement memory) {
        return _existing(agreementId);
    }

    /// @inheritdoc ILendingAgreements
    function agreementIdOf(bytes20 proposer, bytes32 referenceHash) public pure returns (bytes32) {
        return keccak256(abi.encode(proposer, referenceHash));
    }

    /// @dev Stores the next version of the terms, proposed by `proposer`, consented when the
    /// lender proposed it.
    function _addVersion(
        bytes32 agreementId,
        Agreement storage agreement,
        uint32 effectiveFrom,
        bytes32 commitment,
        bytes20 proposer
    ) private returns (uint32 version) {
        version = agreement.version + 1;
        agreement.status = Status.Proposed;
        agreement.version = version;
        agreement.termsCommitment = commitment;
        _terms[agreementId][version] = TermsVersion(commitment, effectiveFrom, false, proposer, false);
        if (proposer == agreement.lender) _consented[agreementId][version] = true;
    }

    /// @dev Whether the agreement's agent holds the lender's LendingAgent mandate for the
    /// borrower (or every borrower), in force now with both institutions active.
    function _agentMandated(Agreement storage agreement) private view returns (bool) {
        bytes20 agent = agreement.agent;
        return agent != bytes20(0)
            && _mandates.isMandated(
                agreement.lender, agent, IMandates.Scope.LendingAgent, bytes32(agreement.borrower)
            );
    }

    function _existing(bytes32 agreementId) private view returns (Agreement storage agreement) {
        agreement = _agreements[agreementId];
        if (agreement.status == Status.None) revert LendingAgreementsUnknown(agreementId);
    }

    function _caller() private view returns (bytes20 lei, IParticipantRegistry.InstitutionType kind) {
        lei = _participants.institutionOf(msg.sender);
        IParticipantRegistry.InstitutionStatus status;
        (kind, status) = _participants.statusOf(lei);
        if (lei == bytes20(0) || status != IParticipantRegistry.InstitutionStatus.Active) {
            revert LendingAgreementsNotInstitution(msg.sender);
        }
    }

    /// @dev A sealed payload names every party among its recipients, and commits to something.
    function _checkSealed(
        bytes32 agreementId,
        IConfidential.Sealed calldata payload,
        bytes20 lender,
        bytes20 borrower,
        bytes20 agent
    ) private pure {
        if (payload.commitment == bytes32(0)) revert LendingAgreementsEmptyCommitment(agreementId);
        uint256 count = payload.recipients.length;
        if (count > MAX_RECIPIENTS) revert LendingAgreementsTooManyRecipients(agreementId, count, MAX_RECIPIENTS);
        bytes20 missing = Recipients.firstMissing(payload, lender, borrower, agent);
        if (missing != bytes20(0)) revert LendingAgreementsRecipientMissing(agreementId, missing);
    }
}
