/** The sample contract `trident init` writes: a small notes API with the conventions a contract needs. */
export const sampleContract = `openapi: 3.1.0
info:
  title: Notes API
  version: 1.0.0
  description: Notes of a team, the sample contract of a new Trident project.
  license: { name: MIT, identifier: MIT }
servers:
  - url: /notes/v1
paths:
  /notes:
    get:
      operationId: listNotes
      summary: List notes
      description: Lists the notes of the caller's organisation, newest first.
      security: [{ bearerAuth: [reader] }, { bearerAuth: [writer] }]
      parameters:
        - name: limit
          in: query
          description: How many notes at most.
          schema: { type: integer, format: int32, minimum: 1, maximum: 100, default: 20 }
      responses:
        '200':
          description: The notes.
          content:
            application/json:
              schema:
                type: object
                required: [items]
                properties:
                  items:
                    type: array
                    items: { $ref: '#/components/schemas/Note' }
        '400': { $ref: '#/components/responses/Problem' }
        '401': { $ref: '#/components/responses/Problem' }
        '403': { $ref: '#/components/responses/Problem' }
        '405': { $ref: '#/components/responses/Problem' }
        '408': { $ref: '#/components/responses/Problem' }
        '413': { $ref: '#/components/responses/Problem' }
        '415': { $ref: '#/components/responses/Problem' }
        '431': { $ref: '#/components/responses/Problem' }
        '500': { $ref: '#/components/responses/Problem' }
        '503': { $ref: '#/components/responses/Problem' }
    post:
      operationId: createNote
      summary: Create a note
      security: [{ bearerAuth: [writer] }]
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/NoteCreate' }
      responses:
        '201':
          description: The new note.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Note' }
        '400': { $ref: '#/components/responses/Problem' }
        '401': { $ref: '#/components/responses/Problem' }
        '403': { $ref: '#/components/responses/Problem' }
        '405': { $ref: '#/components/responses/Problem' }
        '408': { $ref: '#/components/responses/Problem' }
        '413': { $ref: '#/components/responses/Problem' }
        '415': { $ref: '#/components/responses/Problem' }
        '431': { $ref: '#/components/responses/Problem' }
        '500': { $ref: '#/components/responses/Problem' }
        '503': { $ref: '#/components/responses/Problem' }
  /notes/{noteId}:
    parameters:
      - name: noteId
        in: path
        required: true
        schema: { type: string, pattern: '^note_[0-9A-Za-z]{8,32}$' }
    get:
      operationId: getNote
      summary: Get a note
      security: [{ bearerAuth: [reader] }, { bearerAuth: [writer] }]
      responses:
        '200':
          description: The note.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Note' }
        '400': { $ref: '#/components/responses/Problem' }
        '401': { $ref: '#/components/responses/Problem' }
        '403': { $ref: '#/components/responses/Problem' }
        '404': { $ref: '#/components/responses/Problem' }
        '405': { $ref: '#/components/responses/Problem' }
        '408': { $ref: '#/components/responses/Problem' }
        '413': { $ref: '#/components/responses/Problem' }
        '415': { $ref: '#/components/responses/Problem' }
        '431': { $ref: '#/components/responses/Problem' }
        '500': { $ref: '#/components/responses/Problem' }
        '503': { $ref: '#/components/responses/Problem' }
    delete:
      operationId: deleteNote
      summary: Delete a note
      security: [{ bearerAuth: [writer] }]
      responses:
        '204': { description: Deleted. }
        '400': { $ref: '#/components/responses/Problem' }
        '401': { $ref: '#/components/responses/Problem' }
        '403': { $ref: '#/components/responses/Problem' }
        '404': { $ref: '#/components/responses/Problem' }
        '405': { $ref: '#/components/responses/Problem' }
        '408': { $ref: '#/components/responses/Problem' }
        '413': { $ref: '#/components/responses/Problem' }
        '415': { $ref: '#/components/responses/Problem' }
        '431': { $ref: '#/components/responses/Problem' }
        '500': { $ref: '#/components/responses/Problem' }
        '503': { $ref: '#/components/responses/Problem' }
components:
  securitySchemes:
    bearerAuth: { type: http, scheme: bearer, bearerFormat: JWT }
  responses:
    Problem:
      description: An RFC 9457 problem; 405, 408, 413, 415, 431, 500 and 503 are answered by the server for any operation.
      content:
        application/problem+json:
          schema: { $ref: '#/components/schemas/Problem' }
  schemas:
    Problem:
      type: object
      required: [type, title, status, code]
      properties:
        type: { type: string }
        title: { type: string }
        status: { type: integer, format: int32 }
        detail: { type: string }
        instance: { type: string }
        code: { type: string }
        retryable: { type: boolean, description: Whether sending the same request again later may succeed. }
        errors:
          type: array
          items:
            type: object
            required: [pointer, message]
            properties:
              pointer: { type: string }
              message: { type: string }
    NoteStatus:
      type: string
      description: Where a note is in its life.
      enum: [draft, published]
    Note:
      type: object
      required: [id, title, status, createdAt]
      properties:
        id: { type: string, readOnly: true, description: The note's id. }
        title: { type: string, minLength: 1, maxLength: 200 }
        body: { type: string, maxLength: 10000 }
        status: { $ref: '#/components/schemas/NoteStatus' }
        createdAt: { type: string, format: date-time, readOnly: true }
    NoteCreate:
      type: object
      required: [title]
      additionalProperties: false
      properties:
        title: { type: string, minLength: 1, maxLength: 200 }
        body: { type: string, maxLength: 10000 }
        status: { $ref: '#/components/schemas/NoteStatus' }
`;
