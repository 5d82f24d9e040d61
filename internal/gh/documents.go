// Package gh owns steward's access to GitHub: go-github v60 for REST and
// the GraphQL documents for Projects v2, behind small interfaces.
package gh

import "github.com/support-steward/steward/internal/port"

// The GraphQL documents steward sends. Every one is listed in Documents, and
// tests validate each against GitHub's published schema.
const (
	// QueryFindProject finds an organization's project and its fields,
	// with the first page of its items: a pass that reads the board for
	// the first time costs one request, not two.
	QueryFindProject = `query FindProject($owner: String!, $number: Int!, $cursor: String, $statusField: String!, $priorityField: String!, $iterationField: String!) {
  organization(login: $owner) {
    projectV2(number: $number) {
      ` + projectSelection + `
    }
  }
}`

	// projectSelection selects what a pass needs of a project: its id, its
	// fields with their options and iterations, and the first page of its
	// items (itemsSelection). Text, like itemsSelection.
	projectSelection = `id
      title
      fields(first: 50) {
        nodes {
          ... on ProjectV2Field { id name dataType }
          ... on ProjectV2SingleSelectField { id name dataType options { id name } }
          ... on ProjectV2IterationField {
            id
            name
            dataType
            configuration { iterations { id title startDate duration } }
          }
        }
      }
      ` + itemsSelection

	// itemsSelection selects one page of a project's items with the three
	// values steward keeps, each by its field's name: fieldValues lists
	// values by field position, so with more fields than it asks for,
	// Status or Priority can fall outside it. Archived items are listed
	// too, marked. It is text, not a named fragment, so the documents file
	// holds each document whole once.
	itemsSelection = `items(first: 100, after: $cursor) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      isArchived
      content { ... on Issue { id number repository { nameWithOwner } } }
      status: fieldValueByName(name: $statusField) { ... on ProjectV2ItemFieldSingleSelectValue { optionId } }
      priority: fieldValueByName(name: $priorityField) { ... on ProjectV2ItemFieldSingleSelectValue { optionId } }
      iteration: fieldValueByName(name: $iterationField) { ... on ProjectV2ItemFieldIterationValue { iterationId } }
    }
  }`

	// MutationAddItem adds an issue to a project; GitHub returns the
	// existing item when it is already there, so it is safe to retry. The
	// existing item may be archived.
	MutationAddItem = `mutation AddItem($projectId: ID!, $contentId: ID!) {
  addProjectV2ItemById(input: {projectId: $projectId, contentId: $contentId}) {
    item { id isArchived }
  }
}`

	// MutationAddItemAndRead adds an issue to a project, as AddItem, and
	// reads back in the same answer what a pass that has just created the
	// issue needs next: the project (fields, first page of items) and the
	// issues of the repository that carry $labels and changed
	// last, as they are after the add. A dispatched new ticket's run then reads nothing
	// else before it sets the item's fields and place.
	MutationAddItemAndRead = `mutation AddItemAndRead($projectId: ID!, $contentId: ID!, $labels: [String!]!, $recent: Int!, $cursor: String, $statusField: String!, $priorityField: String!, $iterationField: String!) {
  addProjectV2ItemById(input: {projectId: $projectId, contentId: $contentId}) {
    item {
      id
      isArchived
      content {
        ... on Issue {
          repository {
            issues(first: $recent, labels: $labels, states: [OPEN, CLOSED], orderBy: {field: UPDATED_AT, direction: DESC}) {
              nodes {
                id
                number
                title
                body
                state
                stateReason(enableDuplicate: true)
                createdAt
                updatedAt
                closedAt
                url
                labels(first: 20) { nodes { name } }
              }
            }
          }
        }
      }
      project {
        ` + projectSelection + `
      }
    }
  }
}`

	// MutationDeleteItem takes an item off a project for good (not
	// archived): an item added for an issue found to be a duplicate.
	MutationDeleteItem = `mutation DeleteItem($projectId: ID!, $itemId: ID!) {
  deleteProjectV2Item(input: {projectId: $projectId, itemId: $itemId}) {
    deletedItemId
  }
}`

	// MutationUnarchiveItem restores an archived item to the board.
	MutationUnarchiveItem = `mutation UnarchiveItem($projectId: ID!, $itemId: ID!) {
  unarchiveProjectV2Item(input: {projectId: $projectId, itemId: $itemId}) {
    item { id }
  }
}`

	// MutationSetField sets one field of an item.
	MutationSetField = `mutation SetField($projectId: ID!, $itemId: ID!, $fieldId: ID!, $value: ProjectV2FieldValue!) {
  updateProjectV2ItemFieldValue(input: {projectId: $projectId, itemId: $itemId, fieldId: $fieldId, value: $value}) {
    projectV2Item { id }
  }
}`

	// MutationMoveToTop moves an item to the top of the project.
	MutationMoveToTop = `mutation MoveToTop($projectId: ID!, $itemId: ID!) {
  updateProjectV2ItemPosition(input: {projectId: $projectId, itemId: $itemId}) {
    clientMutationId
  }
}`

	// QueryListItems pages through a project's items.
	QueryListItems = `query ListItems($projectId: ID!, $cursor: String, $statusField: String!, $priorityField: String!, $iterationField: String!) {
  node(id: $projectId) {
    ... on ProjectV2 {
      ` + itemsSelection + `
    }
  }
}`
)

// QueryClosingPulls finds the pull requests that closed an issue.
const QueryClosingPulls = `query ClosingPulls($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    issue(number: $number) {
      closedByPullRequestsReferences(first: 10, includeClosedPrs: true) {
        nodes { number title url author { login } }
      }
    }
  }
}`

// Documents returns every GraphQL document steward sends, by name.
func Documents() map[string]string {
	return map[string]string{
		"FindProject":    QueryFindProject,
		"AddItem":        MutationAddItem,
		"AddItemAndRead": MutationAddItemAndRead,
		"DeleteItem":     MutationDeleteItem,
		"UnarchiveItem":  MutationUnarchiveItem,
		"SetField":       MutationSetField,
		"MoveToTop":      MutationMoveToTop,
		"SetItems":       setItemsSample(),
		"ListItems":      QueryListItems,
		"ClosingPulls":   QueryClosingPulls,
	}
}

// setItemsSample is the shape of every SetMany document: two items with
// each of the five mutations (a real document has some of them, for up to
// docMutations mutations).
func setItemsSample() string {
	value := map[string]any{}
	full := itemSet{status: value, priority: value, iteration: value, move: true, archive: true}
	info := &boardInfo{status: &field{}, priority: &field{}, iteration: &field{}}
	var ops []op
	for i := range 2 {
		for _, k := range full.ops() {
			ops = append(ops, op{i, k})
		}
	}
	doc, _, _ := setItemsDocument(info, make([]port.BoardChange, 2), []itemSet{full, full}, ops)
	return doc
}
